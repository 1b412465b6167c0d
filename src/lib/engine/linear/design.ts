/**
 * The design matrix linear models need, learned on training rows: numeric features standardised (missing →
 * the mean, plus a "was missing" indicator when any were missing), categorical features one-hot encoded over
 * their frequent categories (rare and unseen ones share no column, i.e. all zeros). Row-major Float64Array.
 *
 * A numeric feature may also bend: with knots k₁ < k₂ < … (standardised units, at quantiles of the training
 * values) it gets one more column max(0, z − kⱼ) per knot, so the model's effect of that feature is a
 * continuous piecewise-linear curve instead of a straight line (a linear spline; the L2 penalty on those
 * columns keeps the bends gentle). The model stays additive: each feature's effect can still be read alone.
 *
 * Standardised values are clipped to ±10 standard deviations for the neural network and nearest neighbours (a
 * stray huge value would swamp an activation or a distance). Linear models read them unclipped, as
 * scikit-learn's do: a target that is a sum of the features (Brazilian_houses' total is hoa + rent + tax +
 * insurance) stays exactly linear on the rows whose values lie far out, where clipping broke it (test RMSE 6,379
 * clipped, 1.31 unclipped; scikit-learn's ridge 1.69). Where a far-out value does mislead, it misleads the
 * out-of-fold scores too, and the search weighs the model accordingly.
 */
export interface DesignSpec {
	/** Per input feature: how it becomes columns. */
	columns: (
		| {
				kind: 'numeric';
				feature: number;
				mean: number;
				scale: number;
				missingIndicator: boolean;
				/** Where the line bends (standardised units, ascending); absent or empty: a straight line. */
				knots?: number[];
		  }
		| { kind: 'onehot'; feature: number; categories: number[] }
	)[];
	width: number;
	/** Standardised values are not clipped (linear models). Absent: clipped to ±10, as models saved before read them. */
	unclipped?: boolean;
}

export interface DesignOptions {
	/** Knots per numeric feature (bends at quantiles of its values); 0: straight lines. */
	knots?: number;
	/** Leave standardised values unclipped (see above). Default: clipped to ±10 standard deviations. */
	unclipped?: boolean;
}

/**
 * Bends are columns too: past this many in all, each numeric feature gets fewer knots (or none), so a wide
 * table keeps the linear model cheap (its cost grows with the columns, ridge's with their square).
 */
const MAX_KNOT_COLUMNS = 120;

const MAX_LEVELS = 50;
const MIN_LEVEL_ROWS = 5;

export type NumericColumn = Extract<DesignSpec['columns'][number], { kind: 'numeric' }>;
type DesignColumn = DesignSpec['columns'][number];

/** How many design columns one input feature became. */
export function columnSpan(column: DesignColumn): number {
	if (column.kind === 'onehot') return column.categories.length;
	return 1 + (column.missingIndicator ? 1 : 0) + (column.knots?.length ?? 0);
}

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

/** Where standardised values are clipped, in standard deviations, unless the design is unclipped. */
const CLIP = 10;

/** The standardised value a design column sees: missing → 0 (the mean), clipped to ±10 unless `unclipped`. */
export function standardised(column: NumericColumn, v: number, unclipped = false): number {
	if (v !== v) return 0;
	const z = (v - column.mean) / column.scale;
	return unclipped ? z : Math.max(-CLIP, Math.min(CLIP, z));
}

/**
 * Up to `count` knots at evenly spaced quantiles of the feature's present values (standardised), without
 * duplicates and strictly inside their range (a knot at either end would bend nowhere on the training rows).
 */
export function quantileKnots(
	column: NumericColumn,
	values: Float64Array,
	count: number,
	unclipped = false
): number[] {
	if (count <= 0) return [];
	const present: number[] = [];
	for (let i = 0; i < values.length; i++)
		if (values[i] === values[i]) present.push(standardised(column, values[i], unclipped));
	if (present.length < 2) return [];
	const sorted = Float64Array.from(present).sort();
	const low = sorted[0];
	const high = sorted[sorted.length - 1];
	const knots: number[] = [];
	for (let j = 1; j <= count; j++) {
		const knot = sorted[Math.floor((j * (sorted.length - 1)) / (count + 1))];
		if (knot > low && knot < high && (knots.length === 0 || knot > knots[knots.length - 1])) knots.push(knot);
	}
	return knots;
}

export function fitDesign(
	features: Float64Array[],
	categorical: ArrayLike<number>,
	options: DesignOptions = {}
): DesignSpec {
	const columns: DesignSpec['columns'] = [];
	const numericCount = features.filter((_, f) => !categorical[f]).length;
	const knots = Math.min(options.knots ?? 0, Math.floor(MAX_KNOT_COLUMNS / Math.max(1, numericCount)));
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
		const bends = quantileKnots(column, values, knots, options.unclipped);
		if (bends.length) column.knots = bends;
		columns.push(column);
		width += columnSpan(column);
	});
	return options.unclipped ? { columns, width, unclipped: true } : { columns, width };
}

/** Row-major design matrix (no intercept column); standardised values clipped unless the spec is unclipped. */
export function designMatrix(spec: DesignSpec, features: Float64Array[], n: number): Float64Array {
	const d = spec.width;
	const x = new Float64Array(n * d);
	let at = 0;
	for (const column of spec.columns) {
		const values = features[column.feature];
		if (column.kind === 'numeric') {
			const knots = column.knots ?? [];
			const bendsAt = at + (column.missingIndicator ? 2 : 1);
			for (let i = 0; i < n; i++) {
				const v = values ? values[i] : NaN;
				const z = standardised(column, v, spec.unclipped);
				x[i * d + at] = z;
				if (column.missingIndicator) x[i * d + at + 1] = v !== v ? 1 : 0;
				for (let k = 0; k < knots.length; k++) x[i * d + bendsAt + k] = Math.max(0, z - knots[k]);
			}
			at += columnSpan(column);
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
