import type { ReadNotice } from '../ingest/table';
import type { ColumnProfile } from './profile';

export type WarningCode =
	| 'constant_column'
	| 'identifier_column'
	| 'mostly_missing'
	| 'high_cardinality'
	| 'duplicate_rows'
	| 'disguised_missing'
	| 'numbers_as_text'
	| 'dates_as_text'
	| 'ambiguous_dates'
	| 'unreadable_values'
	| ReadNotice['code'];

/** A data problem in plain words: what it is, why it matters, what to do. */
export interface DataWarning {
	code: WarningCode;
	severity: 'info' | 'warning';
	column?: string;
	message: string;
	why: string;
	fix: string;
}

const STAND_INS = [-1, -9, -99, -999, -9999, 99, 999, 9999, 99999, 999999];

function pct(share: number): string {
	return share >= 1
		? '100%'
		: share >= 0.995
			? 'over 99%'
			: share < 0.01
				? 'under 1%'
				: `${Math.round(share * 100)}%`;
}

/** A value such as -1 or 999 that repeats and sits far outside where the other values are. */
function disguisedMissing(column: ColumnProfile, rows: number): { value: number; count: number } | null {
	const numeric = column.numeric;
	if (!numeric) return null;
	const nonMissing = rows - column.missing;
	// A two-level column, or a three-level code such as −1 / 0 / 1: −1 is one of its levels, not a stand-in.
	if (column.distinct <= 3 && numeric.frequent.length === column.distinct) {
		const levels = numeric.frequent.map((f) => f.value).sort((a, b) => a - b);
		const step = levels[1] - levels[0];
		if (levels.every((v, i) => v === levels[0] + i * step) || levels[0] === -levels[levels.length - 1])
			return null;
	}
	for (const { value, count } of numeric.frequent) {
		if (!STAND_INS.includes(value) || count < Math.max(3, nonMissing * 0.005)) continue;
		// Where the rest of the values are: the 5–95% range, widened by its own width.
		const { p5, p95 } = numeric.quantiles;
		const width = Math.max(p95 - p5, 1e-9);
		const others = numeric.frequent.filter((f) => f.value !== value);
		if (others.length === 0) continue;
		const isNegativeFlag =
			value < 0 && numeric.min === value && numeric.frequent.every((f) => f.value === value || f.value >= 0);
		const farAbove = value > 0 && value > p95 + width && numeric.max === value;
		const farBelow = value < 0 && value < p5 - width;
		if (isNegativeFlag || farAbove || farBelow) return { value, count };
	}
	return null;
}

export function datasetWarnings(
	rows: number,
	columns: ColumnProfile[],
	duplicateRows: number,
	notices: ReadNotice[]
): DataWarning[] {
	const warnings: DataWarning[] = notices.map((n) => ({
		code: n.code,
		severity: n.code === 'short_rows' ? 'warning' : 'info',
		message: n.message,
		why:
			n.code === 'short_rows'
				? 'Values may have shifted into the wrong columns in those rows.'
				: 'Hunch adjusted the file while reading it.',
		fix:
			n.code === 'short_rows'
				? 'Check those rows in the original file.'
				: 'Nothing to do unless this is not what you expected.'
	}));

	if (duplicateRows > 0) {
		warnings.push({
			code: 'duplicate_rows',
			severity: duplicateRows / rows > 0.05 ? 'warning' : 'info',
			message: `${duplicateRows.toLocaleString('en')} row${duplicateRows === 1 ? ' is an exact copy' : 's are exact copies'} of an earlier row (${pct(duplicateRows / rows)} of the data).`,
			why: 'Copies count twice in training and can make a model look more accurate than it is, when a copy lands in both the training and the checking part.',
			fix: 'If the copies are mistakes (an export run twice), remove them before uploading. If they are real repeated events, keep them.'
		});
	}

	for (const c of columns) {
		const nonMissing = rows - c.missing;
		if (nonMissing > 0 && c.distinct <= 1) {
			warnings.push({
				code: 'constant_column',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" has the same value in every row${c.missing ? ' that has one' : ''}.`,
				why: 'A column that never changes cannot help predict anything.',
				fix: 'Leave it out of training (Hunch does this by default).'
			});
			continue;
		}
		if (c.type === 'identifier') {
			warnings.push({
				code: 'identifier_column',
				severity: 'info',
				column: c.name,
				message: `"${c.name}" looks like an ID: every value is different.`,
				why: 'IDs name rows rather than describe them; a model that learns them memorises instead of generalising.',
				fix: 'Leave it out of training (Hunch does this by default). Keep it in the file to match predictions back to rows.'
			});
		}
		if (c.missingShare > 0.5) {
			warnings.push({
				code: 'mostly_missing',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" is empty in ${pct(c.missingShare)} of rows.`,
				why: 'With so few values the column says little, and the model may lean on whether it is empty rather than on what it holds.',
				fix: 'Fill it in at the source if you can; otherwise consider leaving it out.'
			});
		}
		if (c.type === 'categorical' && c.distinct > 100 && c.distinct / Math.max(1, nonMissing) > 0.5) {
			warnings.push({
				code: 'high_cardinality',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" has ${c.distinct.toLocaleString('en')} different values across ${nonMissing.toLocaleString('en')} rows.`,
				why: 'Most values appear only once or twice, so the model cannot learn what each one means.',
				fix: 'Group the values into broader categories (for example city → region), or leave the column out.'
			});
		}
		const stand = disguisedMissing(c, rows);
		if (stand) {
			warnings.push({
				code: 'disguised_missing',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" has the value ${stand.value} in ${stand.count.toLocaleString('en')} rows, far from its other values: it may stand for "unknown".`,
				why: `If ${stand.value} means "unknown", treating it as a real number distorts averages and what the model learns.`,
				fix: `If ${stand.value} means "unknown", leave those cells empty in the file and upload it again.`
			});
		}
		const mixedUnits = c.notes.mixedUnits;
		if (mixedUnits && c.type !== 'identifier') {
			const kinds: Record<string, string> = {
				currency: 'money',
				percent: 'percentages',
				'': 'plain numbers'
			};
			const named = mixedUnits.map((u) => kinds[u] ?? u).join(', ');
			warnings.push({
				code: 'numbers_as_text',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" mixes numbers written in different ways (${named}), so Hunch treats the column as categories.`,
				why: 'Hunch does not convert between units, and as categories the order and size of the numbers are lost.',
				fix: 'Convert the values to one unit in the file (or split them into one column per unit) and upload it again.'
			});
		} else if (
			c.notes.numericShare !== undefined &&
			c.notes.numericShare >= 0.8 &&
			c.notes.numericShare < 1 &&
			c.type !== 'identifier'
		) {
			warnings.push({
				code: 'numbers_as_text',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" is ${pct(c.notes.numericShare)} numbers, but some values are not, so Hunch treats the column as categories.`,
				why: 'As categories, the order and size of the numbers are lost (10 is no longer more than 9).',
				fix: 'Fix or empty the non-numeric values in the file, or change the column type to Numeric (values that are not numbers become missing).'
			});
		}
		if (c.notes.dateShare !== undefined && c.notes.dateShare >= 0.8) {
			warnings.push({
				code: 'dates_as_text',
				severity: 'warning',
				column: c.name,
				message: `"${c.name}" is ${pct(c.notes.dateShare)} dates, but some values are not, so Hunch treats the column as text.`,
				why: 'As text, Hunch cannot use the year, month or weekday of these dates.',
				fix: 'Fix or empty the values that are not dates, or change the column type to Date.'
			});
		}
		if (c.type === 'datetime' && c.dateOrder?.ambiguous)
			warnings.push(ambiguousDateWarning(c.name, c.dateOrder.order));
		if (c.notes.unreadable) {
			warnings.push({
				code: 'unreadable_values',
				severity: 'warning',
				column: c.name,
				message: `${c.notes.unreadable.toLocaleString('en')} value(s) in "${c.name}" could not be read as ${c.type} and are treated as missing.`,
				why: 'Those rows lose this value.',
				fix: 'Correct the values in the file, or choose another type for the column.'
			});
		}
	}
	return warnings;
}

/** Day/month order guessed for dates like 01/02/2024; added by the caller, which knows the column's order. */
export function ambiguousDateWarning(column: string, order: 'mdy' | 'dmy'): DataWarning {
	const reading = order === 'mdy' ? 'month/day/year (US)' : 'day/month/year';
	return {
		code: 'ambiguous_dates',
		severity: 'warning',
		column,
		message: `Dates in "${column}" such as 01/02/2024 could be 2 January or 1 February; Hunch read them as ${reading}.`,
		why: 'Read the wrong way round, every date before the 13th of a month is wrong.',
		fix: 'If that is wrong, save the dates as YYYY-MM-DD in the file and upload it again.'
	};
}
