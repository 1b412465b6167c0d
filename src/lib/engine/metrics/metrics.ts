/**
 * Evaluation metrics. Classification inputs: `y` holds class indices (0/1 for binary); `p` holds P(class 1)
 * per row for binary tasks, or row-major class probabilities (`p[i * k + c]`) for multiclass ones.
 */

export function rmse(y: ArrayLike<number>, pred: ArrayLike<number>): number {
	let s = 0;
	for (let i = 0; i < y.length; i++) s += (pred[i] - y[i]) ** 2;
	return Math.sqrt(s / Math.max(1, y.length));
}

export function mae(y: ArrayLike<number>, pred: ArrayLike<number>): number {
	let s = 0;
	for (let i = 0; i < y.length; i++) s += Math.abs(pred[i] - y[i]);
	return s / Math.max(1, y.length);
}

/** Coefficient of determination; 0 for a constant target predicted exactly by its mean. */
export function r2(y: ArrayLike<number>, pred: ArrayLike<number>): number {
	let mean = 0;
	for (let i = 0; i < y.length; i++) mean += y[i];
	mean /= Math.max(1, y.length);
	let ss = 0;
	let tot = 0;
	for (let i = 0; i < y.length; i++) {
		ss += (pred[i] - y[i]) ** 2;
		tot += (y[i] - mean) ** 2;
	}
	return tot > 0 ? 1 - ss / tot : ss === 0 ? 1 : 0;
}

/** Area under the ROC curve for binary labels, ties counted half (Mann–Whitney). NaN with one class only. */
export function auc(y: ArrayLike<number>, score: ArrayLike<number>): number {
	const n = y.length;
	let positives = 0;
	for (let i = 0; i < n; i++) if (y[i] === 1) positives++;
	const negatives = n - positives;
	if (positives === 0 || negatives === 0) return NaN;
	// Each class's scores sorted natively (ensemble selection computes thousands of AUCs: a comparator sort of
	// indices was ten times slower), then one merge counts, per positive, the negatives below and level with it.
	const pos = new Float64Array(positives);
	const neg = new Float64Array(negatives);
	for (let i = 0, a = 0, b = 0; i < n; i++) {
		if (y[i] === 1) pos[a++] = score[i];
		else neg[b++] = score[i];
	}
	pos.sort();
	neg.sort();
	let below = 0;
	let wins = 0;
	for (let a = 0; a < positives; ) {
		const value = pos[a];
		let same = a;
		while (same < positives && pos[same] === value) same++;
		while (below < negatives && neg[below] < value) below++;
		let level = below;
		while (level < negatives && neg[level] === value) level++;
		wins += (same - a) * (below + (level - below) / 2);
		a = same;
	}
	return wins / (positives * negatives);
}

const clamp = (p: number) => Math.min(1 - 1e-15, Math.max(1e-15, p));

/** Mean log loss. `classCount` 2 with one probability per row means binary. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>, classCount: number): number {
	let s = 0;
	const n = y.length;
	if (p.length === n && classCount <= 2) {
		for (let i = 0; i < n; i++) s -= y[i] === 1 ? Math.log(clamp(p[i])) : Math.log(clamp(1 - p[i]));
	} else {
		for (let i = 0; i < n; i++) {
			let total = 0;
			for (let c = 0; c < classCount; c++) total += p[i * classCount + c];
			s -= Math.log(clamp(p[i * classCount + y[i]] / (total || 1)));
		}
	}
	return s / Math.max(1, n);
}

/** The most probable class per row (binary: 1 when P(1) ≥ threshold). */
export function predictedClasses(
	p: ArrayLike<number>,
	n: number,
	classCount: number,
	threshold = 0.5
): Int32Array {
	const out = new Int32Array(n);
	if (p.length === n && classCount <= 2) {
		for (let i = 0; i < n; i++) out[i] = p[i] >= threshold ? 1 : 0;
		return out;
	}
	for (let i = 0; i < n; i++) {
		let best = 0;
		for (let c = 1; c < classCount; c++) if (p[i * classCount + c] > p[i * classCount + best]) best = c;
		out[i] = best;
	}
	return out;
}

export function accuracy(y: ArrayLike<number>, predicted: ArrayLike<number>): number {
	let right = 0;
	for (let i = 0; i < y.length; i++) if (y[i] === predicted[i]) right++;
	return right / Math.max(1, y.length);
}

/** Mean recall over the classes present in `y`. */
export function balancedAccuracy(
	y: ArrayLike<number>,
	predicted: ArrayLike<number>,
	classCount: number
): number {
	const total = new Float64Array(classCount);
	const right = new Float64Array(classCount);
	for (let i = 0; i < y.length; i++) {
		total[y[i]]++;
		if (y[i] === predicted[i]) right[y[i]]++;
	}
	let sum = 0;
	let present = 0;
	for (let c = 0; c < classCount; c++)
		if (total[c] > 0) {
			sum += right[c] / total[c];
			present++;
		}
	return present ? sum / present : 0;
}

/** F1 of the positive class (binary), or macro-averaged F1 over classes present (multiclass). */
export function f1(y: ArrayLike<number>, predicted: ArrayLike<number>, classCount: number): number {
	const score = (c: number) => {
		let tp = 0;
		let fp = 0;
		let fn = 0;
		for (let i = 0; i < y.length; i++) {
			if (predicted[i] === c && y[i] === c) tp++;
			else if (predicted[i] === c) fp++;
			else if (y[i] === c) fn++;
		}
		return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
	};
	if (classCount <= 2) return score(1);
	let sum = 0;
	let present = 0;
	for (let c = 0; c < classCount; c++) {
		let seen = false;
		for (let i = 0; i < y.length && !seen; i++) seen = y[i] === c;
		if (seen) {
			sum += score(c);
			present++;
		}
	}
	return present ? sum / present : 0;
}
