/**
 * The report's charts as inline SVG strings: no script, no external file, so the report prints cleanly and
 * a downloaded copy opens anywhere. Deliberately plain — axes, ticks, lines, dots, bars, whiskers.
 */
import type { BarSpec, XYSpec } from './charts';

const W = 560;
const H = 300;
const M = { left: 64, right: 16, top: 14, bottom: 46 };
const COLOURS = ['#3a6ea5', '#c0504d', '#4f8a3c', '#8064a2', '#d98c1f', '#2c9c9c', '#7f7f7f'];

export function escapeXml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** About `count` round tick values covering [low, high]. */
export function niceTicks(low: number, high: number, count = 5): number[] {
	if (!(high > low)) return [low];
	const raw = (high - low) / count;
	const power = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
	const ticks = [];
	for (let v = Math.ceil(low / step) * step; v <= high + step * 1e-9; v += step)
		ticks.push(Number(v.toPrecision(12)));
	return ticks;
}

const label = (v: number) => {
	const a = Math.abs(v);
	if (a >= 10_000) return v.toExponential(1);
	if (a >= 100 || v === Math.round(v)) return String(Math.round(v * 100) / 100);
	return String(Number(v.toPrecision(3)));
};

/** The SVG around a chart's marks: its size, accessible description and axis titles (left out when empty). */
function frame(
	inner: string,
	titles: { x: string; y: string; description: string },
	size: { height?: number; left?: number } = {}
): string {
	const height = size.height ?? H;
	const left = size.left ?? M.left;
	const x = titles.x
		? `<text x="${left + (W - left - M.right) / 2}" y="${height - 6}" text-anchor="middle" fill="#333">${escapeXml(titles.x)}</text>\n`
		: '';
	const y = titles.y
		? `<text transform="translate(14 ${M.top + (height - M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(titles.y)}</text>\n`
		: '';
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-label="${escapeXml(titles.description)}" font-family="sans-serif" font-size="11">
${inner}
${x}${y}</svg>`;
}

function extent(values: number[], given?: [number, number]): [number, number] {
	if (given) return given;
	const finite = values.filter(Number.isFinite);
	if (finite.length === 0) return [0, 1];
	let low = Math.min(...finite);
	let high = Math.max(...finite);
	if (low === high) [low, high] = [low - 1, high + 1];
	const pad = (high - low) * 0.04;
	return [low - pad, high + pad];
}

export function xyChartSvg(spec: XYSpec): string {
	const points = spec.series.flatMap((s) => s.points);
	const [x0, x1] = extent(
		points.map((p) => p.x),
		spec.xRange
	);
	const [y0, y1] = extent(
		points.map((p) => p.y),
		spec.yRange
	);
	const px = (x: number) => M.left + ((x - x0) / (x1 - x0)) * (W - M.left - M.right);
	const py = (y: number) => H - M.bottom - ((y - y0) / (y1 - y0)) * (H - M.top - M.bottom);
	const parts: string[] = [];
	const xTicks = spec.xTickLabels
		? spec.xTickLabels
				.map((text, g) => ({ v: g, text }))
				.filter((_, g, all) => g % Math.ceil(all.length / 6) === 0)
		: niceTicks(x0, x1).map((v) => ({ v, text: label(v) }));
	for (const { v, text } of xTicks)
		parts.push(
			`<line x1="${px(v)}" x2="${px(v)}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#666"/><text x="${px(v)}" y="${H - M.bottom + 16}" text-anchor="middle" fill="#444">${escapeXml(text)}</text>`
		);
	for (const v of niceTicks(y0, y1))
		parts.push(
			`<line x1="${M.left}" x2="${W - M.right}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/><text x="${M.left - 6}" y="${py(v) + 4}" text-anchor="end" fill="#444">${label(v)}</text>`
		);
	parts.push(
		`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#666"/><line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#666"/>`
	);
	let colour = 0;
	const legend: { text: string; colour: string }[] = [];
	for (const s of spec.series) {
		const c = s.reference ? '#999' : s.faint ? '#bbb' : COLOURS[colour++ % COLOURS.length];
		if (!s.faint && spec.series.filter((t) => !t.faint).length > 1) legend.push({ text: s.label, colour: c });
		const visible = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
		if (s.line && visible.length > 1)
			parts.push(
				`<polyline fill="none" stroke="${c}" stroke-width="${s.faint ? 0.8 : 2}"${s.reference ? ' stroke-dasharray="6 4"' : ''} points="${visible.map((p) => `${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(' ')}"/>`
			);
		else
			for (const p of visible)
				parts.push(
					`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="2" fill="${c}" fill-opacity="0.6"/>`
				);
	}
	legend.forEach((item, i) =>
		parts.push(
			`<rect x="${M.left + 8}" y="${M.top + 4 + i * 15}" width="10" height="10" fill="${item.colour}"/><text x="${M.left + 22}" y="${M.top + 13 + i * 15}" fill="#333">${escapeXml(item.text)}</text>`
		)
	);
	return frame(parts.join('\n'), {
		x: spec.xLabel,
		y: spec.yLabel,
		description: `${spec.title}. ${spec.finding ?? spec.read}`
	});
}

export function barChartSvg(spec: BarSpec): string {
	const n = spec.values.length;
	const tops = spec.values.map((v, i) => v + (spec.errors?.[i] ?? 0));
	const [, high] = extent([0, ...tops]);
	const low = Math.min(0, ...spec.values);
	const parts: string[] = [];
	if (spec.horizontal) {
		const left = 150;
		const height = Math.max(120, n * 22 + M.top + M.bottom);
		const px = (v: number) => left + ((v - low) / (high - low)) * (W - left - M.right);
		const band = (height - M.top - M.bottom) / Math.max(1, n);
		for (const v of niceTicks(low, high, 4))
			parts.push(
				`<line x1="${px(v)}" x2="${px(v)}" y1="${M.top}" y2="${height - M.bottom}" stroke="#e5e5e5"/><text x="${px(v)}" y="${height - M.bottom + 14}" text-anchor="middle" fill="#444">${label(v)}</text>`
			);
		spec.values.forEach((v, i) => {
			const y = M.top + i * band;
			parts.push(
				`<text x="${left - 6}" y="${y + band / 2 + 4}" text-anchor="end" fill="#333">${escapeXml(spec.labels[i].slice(0, 24))}</text><rect x="${px(Math.min(0, v))}" y="${y + band * 0.15}" width="${Math.abs(px(v) - px(0))}" height="${band * 0.7}" fill="#3a6ea5"/>`
			);
			const e = spec.errors?.[i];
			if (e && Number.isFinite(e))
				parts.push(
					`<line x1="${px(v - e)}" x2="${px(v + e)}" y1="${y + band / 2}" y2="${y + band / 2}" stroke="#333"/>`
				);
		});
		return frame(
			parts.join('\n'),
			{ x: spec.valueLabel, y: '', description: `${spec.title}. ${spec.finding ?? spec.read}` },
			{ height, left }
		);
	}
	const py = (v: number) => H - M.bottom - ((v - low) / (high - low)) * (H - M.top - M.bottom);
	const band = (W - M.left - M.right) / Math.max(1, n);
	for (const v of niceTicks(low, high, 4))
		parts.push(
			`<line x1="${M.left}" x2="${W - M.right}" y1="${py(v)}" y2="${py(v)}" stroke="#e5e5e5"/><text x="${M.left - 6}" y="${py(v) + 4}" text-anchor="end" fill="#444">${label(v)}</text>`
		);
	const every = Math.ceil(n / 8);
	spec.values.forEach((v, i) => {
		const x = M.left + i * band;
		parts.push(
			`<rect x="${x + band * 0.12}" y="${py(Math.max(0, v))}" width="${band * 0.76}" height="${Math.abs(py(0) - py(v))}" fill="#3a6ea5"/>`
		);
		if (i % every === 0)
			parts.push(
				`<text x="${x + band / 2}" y="${H - M.bottom + 14}" text-anchor="middle" fill="#444">${escapeXml(spec.labels[i].slice(0, 14))}</text>`
			);
	});
	return frame(parts.join('\n'), {
		x: '',
		y: spec.valueLabel,
		description: `${spec.title}. ${spec.finding ?? spec.read}`
	});
}
