/**
 * Plain-language warnings that depend on the target: what an analyst should know before trusting the model.
 * - leakage: one column alone predicts the target almost perfectly on rows it was not fitted on;
 * - class imbalance, and classes with too few rows to learn;
 * - ID-like columns: whole numbers, different on every row.
 */
import { fitBinMapper, binFeatures, MISSING_BIN } from '../trees/binning';
import type { DataFrame } from '../frame/types';
import { encodeFeatures, fitEncoder } from '../prep/encoder';
import type { TargetInfo } from '../prep/target';
import { auc, r2 } from '../metrics/metrics';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;

/** How well one binned feature predicts the target: bin means from even rows, scored on odd rows. */
function singleFeaturePower(
	bins: Uint8Array,
	width: number,
	f: number,
	y: Float64Array,
	target: TargetInfo
): number {
	const n = y.length;
	const classes = target.task === 'multiclass' ? target.classes.length : 1;
	const sums = new Float64Array(256 * classes);
	const counts = new Float64Array(256);
	for (let i = 0; i < n; i += 2) {
		const b = bins[i * width + f];
		counts[b]++;
		if (classes === 1) sums[b] += y[i];
		else sums[b * classes + y[i]]++;
	}
	let overall = 0;
	for (let i = 0; i < n; i += 2) overall += classes === 1 ? y[i] : 0;
	overall /= Math.ceil(n / 2);
	const held: number[] = [];
	const predicted: number[] = [];
	let right = 0;
	for (let i = 1; i < n; i += 2) {
		const b = bins[i * width + f];
		held.push(y[i]);
		if (classes === 1) predicted.push(counts[b] > 0 ? sums[b] / counts[b] : overall);
		else {
			let bestClass = 0;
			for (let c = 1; c < classes; c++)
				if (sums[b * classes + c] > sums[b * classes + bestClass]) bestClass = c;
			if (counts[b] > 0 && bestClass === y[i]) right++;
		}
	}
	if (held.length < 20) return 0;
	if (target.task === 'binary') return auc(held, predicted);
	if (target.task === 'regression') return r2(held, predicted);
	return right / held.length;
}

export interface TargetWarning {
	code: 'imbalance' | 'tiny_classes' | 'id_like' | 'leakage';
	message: string;
	/** The feature column the warning is about (ID-like and leakage warnings). */
	column?: string;
}

/** The warnings' messages, as the artifact and the command line show them. */
export function targetWarnings(features: DataFrame, y: Float64Array, target: TargetInfo): string[] {
	return checkTarget(features, y, target).map((w) => w.message);
}

/** Every target-dependent warning, with the column it concerns so the wizard can leave that column out. */
export function checkTarget(features: DataFrame, y: Float64Array, target: TargetInfo): TargetWarning[] {
	const warnings: TargetWarning[] = [];
	const n = y.length;
	if (target.task !== 'regression') {
		const counts = new Array(target.classes.length).fill(0);
		for (const v of y) counts[v]++;
		const smallest = Math.min(...counts);
		const minority = target.classes[counts.indexOf(smallest)];
		if (smallest / n < 0.05)
			warnings.push({
				code: 'imbalance',
				message: `Only ${pct(smallest / n)} of rows are "${minority}" in "${target.name}". Accuracy can look high while that class is mostly missed; judge the model by AUC or log loss, and check how it does on "${minority}" rows.`
			});
		const tiny = target.classes.filter((_, c) => counts[c] < 10);
		if (tiny.length)
			warnings.push({
				code: 'tiny_classes',
				message: `${tiny.length === 1 ? 'The class' : 'The classes'} ${tiny.map((c) => `"${c}"`).join(', ')} ${tiny.length === 1 ? 'has' : 'have'} fewer than 10 rows: too few to learn reliably. Collect more examples or merge rare classes.`
			});
	}
	for (const column of features.columns) {
		if (column.type !== 'numeric' || !column.integer) continue;
		const seen = new Set<number>();
		for (let i = 0; i < n; i++) if (!column.missing[i]) seen.add(column.values[i]);
		if (seen.size === n && n >= 50)
			warnings.push({
				code: 'id_like',
				column: column.name,
				message: `"${column.name}" holds a different whole number on every row, like a row ID. If it is one, exclude it: an ID cannot predict new rows and may pick up how the file was sorted.`
			});
	}
	// Leakage: one column (as the model sees it) alone nearly determines the target on held-out rows.
	const encoder = fitEncoder(features);
	const encoded = encodeFeatures(encoder, features).features;
	if (encoded.length > 0 && n >= 40) {
		const mapper = fitBinMapper(encoded, {
			maxBins: 64,
			categorical: encoder.features.map((f) => f.categorical),
			minCategoryCount: 1
		});
		const bins = binFeatures(mapper, encoded);
		const reported = new Set<string>();
		encoder.features.forEach((feature, f) => {
			if (reported.has(feature.source)) return;
			let missingOnly = true;
			for (let i = 0; i < n && missingOnly; i++) missingOnly = bins[i * encoded.length + f] === MISSING_BIN;
			if (missingOnly) return;
			const power = singleFeaturePower(bins, encoded.length, f, y, target);
			if (power >= 0.99) {
				reported.add(feature.source);
				const measure = target.task === 'binary' ? 'AUC' : target.task === 'regression' ? 'R²' : 'accuracy';
				warnings.push({
					code: 'leakage',
					column: feature.source,
					message: `"${feature.source}" alone predicts "${target.name}" almost perfectly (${measure} ${power.toFixed(3)} on rows it was not fitted on). If it is only known after the outcome (or is a copy of it), exclude it — otherwise the model will look great and fail in use.`
				});
			}
		});
	}
	return warnings;
}
