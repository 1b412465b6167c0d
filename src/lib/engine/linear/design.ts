/**
 * The design matrix linear models need, learned on training rows: numeric features standardised (missing →
 * the mean, plus a "was missing" indicator when any were missing), categorical features one-hot encoded over
 * their frequent categories (rare and unseen ones share no column, i.e. all zeros). Row-major Float64Array.
 */
export interface DesignSpec {
	/** Per input feature: how it becomes columns. */
	columns: (
		| { kind: 'numeric'; feature: number; mean: number; scale: number; missingIndicator: boolean }
		| { kind: 'onehot'; feature: number; categories: number[] }
	)[];
	width: number;
}

const MAX_LEVELS = 50;
const MIN_LEVEL_ROWS = 5;

export type NumericColumn = Extract<DesignSpec['columns'][number], { kind: 'numeric' }>;

/**
 * A categorical feature's frequent codes: those seen in at least `minRows` rows (fewer on small tables: 1% of
 * the rows), the `maxLevels` most frequent, in code order.
 */
export function frequentCodes(values: Float64Array, maxLevels: number, minRows: number): number[] {
	const n = values.length;
	const counts = new Map<number, number>();
	for (let i = 0; i < n; i++)
		if (values[i] === values[i]) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
	return [...counts.entries()]
		.filter(([, c]) => c >= Math.min(minRows, Math.max(1, n / 100)))
		.sort((a, b) => b[1] - a[1] || a[0] - b[0])
		.slice(0, maxLevels)
		.map(([code]) => code)
		.sort((a, b) => a - b);
}

/**
 * How a numeric feature is standardised: its mean and standard deviation over the present values, and whether
 * a "was missing" indicator is needed. Null when there is nothing to learn (no value, or constant and complete).
 */
export function standardisation(feature: number, values: Float64Array): NumericColumn | null {
	const n = values.length;
	let sum = 0;
	let count = 0;
	for (let i = 0; i < n; i++)
		if (values[i] === values[i]) {
			sum += values[i];
			count++;
		}
	if (count === 0) return null;
	const mean = sum / count;
	let ss = 0;
	for (let i = 0; i < n; i++) if (values[i] === values[i]) ss += (values[i] - mean) ** 2;
	const sd = Math.sqrt(ss / count);
	const missingIndicator = count < n;
	if (sd === 0 && !missingIndicator) return null; // constant: nothing to learn
	return { kind: 'numeric', feature, mean, scale: sd > 0 ? sd : 1, missingIndicator };
}

export function fitDesign(features: Float64Array[], categorical: ArrayLike<number>): DesignSpec {
	const columns: DesignSpec['columns'] = [];
	let width = 0;
	features.forEach((values, f) => {
		if (categorical[f]) {
			const categories = frequentCodes(values, MAX_LEVELS, MIN_LEVEL_ROWS);
			if (categories.length === 0) return;
			columns.push({ kind: 'onehot', feature: f, categories });
			width += categories.length;
			return;
		}
		const column = standardisation(f, values);
		if (!column) return;
		columns.push(column);
		width += column.missingIndicator ? 2 : 1;
	});
	return { columns, width };
}

/** Row-major design matrix (no intercept column). Values are clipped to ±10 standard deviations. */
export function designMatrix(spec: DesignSpec, features: Float64Array[], n: number): Float64Array {
	const d = spec.width;
	const x = new Float64Array(n * d);
	let at = 0;
	for (const column of spec.columns) {
		const values = features[column.feature];
		if (column.kind === 'numeric') {
			for (let i = 0; i < n; i++) {
				const v = values ? values[i] : NaN;
				const missing = v !== v;
				const z = missing ? 0 : (v - column.mean) / column.scale;
				x[i * d + at] = Math.max(-10, Math.min(10, z));
				if (column.missingIndicator) x[i * d + at + 1] = missing ? 1 : 0;
			}
			at += column.missingIndicator ? 2 : 1;
		} else {
			const index = new Map(column.categories.map((c, k) => [c, k]));
			for (let i = 0; i < n; i++) {
				const k = values ? index.get(values[i]) : undefined;
				if (k !== undefined) x[i * d + at + k] = 1;
			}
			at += column.categories.length;
		}
	}
	return x;
}
