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

export function fitDesign(features: Float64Array[], categorical: ArrayLike<number>): DesignSpec {
	const columns: DesignSpec['columns'] = [];
	let width = 0;
	features.forEach((values, f) => {
		const n = values.length;
		if (categorical[f]) {
			const counts = new Map<number, number>();
			for (let i = 0; i < n; i++)
				if (values[i] === values[i]) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
			const categories = [...counts.entries()]
				.filter(([, c]) => c >= Math.min(MIN_LEVEL_ROWS, Math.max(1, n / 100)))
				.sort((a, b) => b[1] - a[1] || a[0] - b[0])
				.slice(0, MAX_LEVELS)
				.map(([code]) => code)
				.sort((a, b) => a - b);
			if (categories.length === 0) return;
			columns.push({ kind: 'onehot', feature: f, categories });
			width += categories.length;
			return;
		}
		let sum = 0;
		let count = 0;
		for (let i = 0; i < n; i++)
			if (values[i] === values[i]) {
				sum += values[i];
				count++;
			}
		if (count === 0) return;
		const mean = sum / count;
		let ss = 0;
		for (let i = 0; i < n; i++) if (values[i] === values[i]) ss += (values[i] - mean) ** 2;
		const sd = Math.sqrt(ss / count);
		const missingIndicator = count < n;
		if (sd === 0 && !missingIndicator) return; // constant: nothing to learn
		columns.push({ kind: 'numeric', feature: f, mean, scale: sd > 0 ? sd : 1, missingIndicator });
		width += missingIndicator ? 2 : 1;
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
