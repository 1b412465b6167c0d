/**
 * `npm run bench:ingest [-- --mb 200 --repeat 1]`: generates a mixed-type CSV of about that many MB, then measures, each in
 * a fresh process so memory readings do not mix:
 *   - papaparse alone, streaming the file (the reference), and
 *   - Hunch's ingest: streaming parse + type inference + columnar encoding (what is stored), then the profile
 *     (timed apart: the target is on parse + infer + store).
 * Prints throughput (MB/s), peak RSS over the process's starting RSS, and the ratios. No thresholds: numbers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const arg = (name: string) => {
	const i = args.indexOf(`--${name}`);
	return i >= 0 ? args[i + 1] : undefined;
};

async function measure(phase: string, file: string) {
	// Code is loaded before the clock and the memory baseline (exceljs alone takes a few hundred ms to load).
	const Papa = (await import('papaparse')).default;
	const { readTableFile } = await import('../../src/lib/engine/ingest/read-table');
	const { profileFrame } = await import('../../src/lib/engine/profile/profile');
	const { encodeColumn } = await import('../../src/lib/engine/frame/codec');
	const baseline = process.memoryUsage().rss;
	let peak = baseline;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
	const started = performance.now();
	let rows = 0;
	const parts: Record<string, number> = {};
	if (phase === 'papaparse') {
		await new Promise<void>((resolve, reject) =>
			Papa.parse(fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }) as unknown as File, {
				chunk: (r: { data: unknown[] }) => {
					rows += r.data.length;
				},
				complete: () => resolve(),
				error: reject
			})
		);
	} else {
		const result = await readTableFile(file, { fileName: path.basename(file) });
		let stored = 0;
		for (const c of result.frame.columns) stored += encodeColumn(c).length;
		// Parse + infer + store (the measure) ends here; the profile is timed on its own.
		parts.parseInferStore = (performance.now() - started) / 1000;
		const profiled = performance.now();
		profileFrame(result.frame, result.notes, result.notices);
		parts.profile = (performance.now() - profiled) / 1000;
		rows = result.frame.rowCount;
		process.stderr.write(`stored ${(stored / 1e6).toFixed(1)} MB compressed\n`);
	}
	const seconds = (performance.now() - started) / 1000;
	clearInterval(timer);
	peak = Math.max(peak, process.memoryUsage().rss);
	console.log(JSON.stringify({ phase, rows, seconds, ...parts, peakRssDeltaBytes: peak - baseline }));
}

function generate(file: string, targetBytes: number) {
	const out = fs.openSync(file, 'w');
	const header = 'id,age,income,score,segment,city,signup_date,active,note\n';
	fs.writeSync(out, header);
	let written = header.length;
	let i = 0;
	let seed = 42;
	const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296;
	const segments = ['retail', 'smb', 'enterprise', 'public'];
	const cities = Array.from({ length: 300 }, (_, k) => `City ${k}`);
	const words = [
		'late',
		'delivery',
		'great',
		'support',
		'billing',
		'issue',
		'renewal',
		'discount',
		'happy',
		'slow'
	];
	while (written < targetBytes) {
		let block = '';
		for (let k = 0; k < 2000; k++, i++) {
			const note =
				rand() < 0.3
					? `"${Array.from({ length: 6 }, () => words[Math.floor(rand() * words.length)]).join(' ')}, again"`
					: '';
			const month = 1 + Math.floor(rand() * 12);
			const day = 1 + Math.floor(rand() * 28);
			block += `${i},${18 + Math.floor(rand() * 60)},${rand() < 0.05 ? 'NA' : (20000 + rand() * 150000).toFixed(2)},${(rand() * 100).toFixed(3)},${segments[Math.floor(rand() * 4)]},${cities[Math.floor(rand() * 300)]},2023-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')},${rand() < 0.5 ? 'yes' : 'no'},${note}\n`;
		}
		fs.writeSync(out, block);
		written += Buffer.byteLength(block);
	}
	fs.closeSync(out);
}

const phase = arg('phase');
if (phase) {
	await measure(phase, arg('file')!);
} else {
	const mb = Number(arg('mb') ?? 200);
	const repeat = Math.max(1, Number(arg('repeat') ?? 1));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hunch-bench-ingest-'));
	const file = path.join(dir, 'mixed.csv');
	try {
		generate(file, mb * 1024 * 1024);
		const size = fs.statSync(file).size;
		const run = (p: string) => {
			const child = spawnSync(process.execPath, ['--import', 'tsx', here, '--phase', p, '--file', file], {
				encoding: 'utf8',
				maxBuffer: 1 << 20
			});
			if (child.status !== 0) throw new Error(`${p} failed:\n${child.stderr}`);
			return JSON.parse(child.stdout.trim().split('\n').pop()!) as {
				rows: number;
				seconds: number;
				parseInferStore?: number;
				profile?: number;
				peakRssDeltaBytes: number;
			};
		};
		// --repeat N: the two alternate N times and each keeps its fastest run (this VM's speed drifts over
		// minutes); memory is the largest peak seen.
		type Run = ReturnType<typeof run>;
		const fastest = (a: Run | null, b: Run): Run =>
			!a
				? b
				: {
						...(b.seconds < a.seconds ? b : a),
						parseInferStore: Math.min(a.parseInferStore ?? Infinity, b.parseInferStore ?? Infinity),
						profile: Math.min(a.profile ?? Infinity, b.profile ?? Infinity),
						peakRssDeltaBytes: Math.max(a.peakRssDeltaBytes, b.peakRssDeltaBytes)
					};
		let papa: Run | null = null;
		let hunch: Run | null = null;
		const ratios: number[] = [];
		for (let attempt = 0; attempt < repeat; attempt++) {
			const p = run('papaparse');
			const h = run('hunch');
			ratios.push(+(h.parseInferStore! / p.seconds).toFixed(2));
			papa = fastest(papa, p);
			hunch = fastest(hunch, h);
		}
		if (!papa || !hunch) throw new Error('--repeat must be at least 1');
		const mbps = (s: number) => +(size / 1e6 / s).toFixed(1);
		console.log(
			JSON.stringify({
				fileMB: +(size / 1e6).toFixed(1),
				rows: hunch.rows,
				papaparse: {
					seconds: +papa.seconds.toFixed(2),
					mbPerSecond: mbps(papa.seconds),
					peakMemoryMB: +(papa.peakRssDeltaBytes / 1e6).toFixed(0)
				},
				hunch: {
					parseInferStoreSeconds: +hunch.parseInferStore!.toFixed(2),
					mbPerSecond: mbps(hunch.parseInferStore!),
					profileSeconds: +hunch.profile!.toFixed(2),
					seconds: +hunch.seconds.toFixed(2),
					peakMemoryMB: +(hunch.peakRssDeltaBytes / 1e6).toFixed(0)
				},
				// The measure: parse + infer + store over papaparse's parse; then with the profile too.
				timeRatioVsPapaparse: +(hunch.parseInferStore! / papa.seconds).toFixed(2),
				timeRatioWithProfile: +(hunch.seconds / papa.seconds).toFixed(2),
				timeRatioPerPair: ratios,
				peakMemoryOverFileSize: +(hunch.peakRssDeltaBytes / size).toFixed(2),
				machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}`
			})
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
