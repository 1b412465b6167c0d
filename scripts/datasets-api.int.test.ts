import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/lib/server/testing/app';

/** The dataset API on the production build with a real PostgreSQL: uploads, bad inputs, limits, tenancy. */
let app: RunningApp;
let alice: string;
let bob: string;

beforeAll(async () => {
	app = await startApp({ HUNCH_MAX_UPLOAD_MB: '16' });
	alice = await app.signUp('alice-datasets@example.com');
	bob = await app.signUp('bob-datasets@example.com');
}, 200_000);
afterAll(async () => {
	await app?.stop();
});

async function upload(
	cookie: string,
	fileName: string,
	content: Uint8Array | string,
	fields: Record<string, string> = {}
) {
	const form = new FormData();
	for (const [k, v] of Object.entries(fields)) form.append(k, v);
	form.append('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), fileName);
	return fetch(app.base + '/api/v1/datasets', {
		method: 'POST',
		headers: { cookie, origin: app.base },
		body: form
	});
}

/**
 * A multipart upload written by hand with node:http, to control exactly how the body is sent: with a declared
 * length or chunked, and stopping early. Resolves with the server's answer as soon as it arrives.
 */
function rawUpload(options: {
	chunked: boolean;
	totalBytes: number;
	stopAfterBytes?: number;
}): Promise<{ status: number; body: string }> {
	const boundary = 'hunchboundary';
	const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`;
	const tail = `\r\n--${boundary}--\r\n`;
	return new Promise((resolve, reject) => {
		const headers: Record<string, string> = {
			cookie: alice,
			origin: app.base,
			'content-type': `multipart/form-data; boundary=${boundary}`
		};
		if (!options.chunked) headers['content-length'] = String(head.length + options.totalBytes + tail.length);
		// A connection of its own (no keep-alive agent): this request is never finished on purpose.
		const req = http.request(app.base + '/api/v1/datasets', { method: 'POST', headers, agent: false });
		let answered = false;
		req.on('response', (res) => {
			answered = true;
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => {
				req.destroy();
				resolve({ status: res.statusCode ?? 0, body: text });
			});
		});
		req.on('error', (err) => (answered ? undefined : reject(err)));
		req.write(head);
		const chunk = Buffer.alloc(64 * 1024, 0x31);
		let sent = 0;
		const pump = () => {
			while (!answered && sent < (options.stopAfterBytes ?? options.totalBytes)) {
				sent += chunk.length;
				if (!req.write(chunk)) return void req.once('drain', pump);
			}
			if (!answered && options.stopAfterBytes === undefined) req.end(tail);
		};
		pump();
	});
}

async function api(cookie: string, pathname: string, init: RequestInit = {}) {
	return fetch(app.base + pathname, {
		...init,
		headers: { cookie, origin: app.base, 'content-type': 'application/json', ...(init.headers ?? {}) }
	});
}

async function listIds(cookie: string): Promise<string[]> {
	const res = await api(cookie, '/api/v1/datasets');
	return (await res.json()).datasets.map((d: { id: string }) => d.id);
}

describe('POST /api/v1/datasets', () => {
	it('stores a CSV and answers with its typed columns and profile', async () => {
		const csv =
			'customer_id,plan,monthly_fee,signed_up,churned\n' +
			Array.from(
				{ length: 30 },
				(_, i) =>
					`${1000 + i},${i % 3 ? 'basic' : 'pro'},"$${20 + i}",2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 4 ? 'no' : 'yes'}`
			).join('\n');
		const res = await upload(alice, 'customers.csv', csv);
		expect(res.status).toBe(201);
		const body = await res.json();
		expect(body).toMatchObject({ name: 'customers', rows: 30, fileName: 'customers.csv' });
		expect(body.columns.map((c: { name: string; type: string }) => `${c.name}:${c.type}`)).toEqual([
			'customer_id:identifier',
			'plan:categorical',
			'monthly_fee:numeric',
			'signed_up:datetime',
			'churned:boolean'
		]);
		expect(body.profile.warnings.map((w: { code: string }) => w.code)).toContain('identifier_column');
		const detail = await (await api(alice, `/api/v1/datasets/${body.id}`)).json();
		expect(detail.preview[0]).toEqual(['1000', 'pro', '20', '2024-01-01', 'yes']);
	});

	it('stores an XLSX', async () => {
		const wb = new ExcelJS.Workbook();
		const ws = wb.addWorksheet('Houses');
		ws.addRow(['area', 'rooms', 'price']);
		for (let i = 0; i < 20; i++) ws.addRow([50 + i * 3, 1 + (i % 4), 100_000 + i * 5_000]);
		const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
		const res = await upload(alice, 'houses.xlsx', bytes);
		expect(res.status).toBe(201);
		const body = await res.json();
		expect(body).toMatchObject({ rows: 20, source: { format: 'xlsx', sheet: 'Houses' } });
		expect(body.columns.every((c: { type: string }) => c.type === 'numeric')).toBe(true);
	});

	it.each([
		['empty.csv', '', /empty/],
		['header.csv', 'a,b,c\n', /header row but no data rows/],
		['image.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0]), /PNG image/],
		['fake.xlsx', 'a,b\n1,2\n', /not an Excel workbook/],
		['quote.csv', 'a,b\n1,"open\n2,3\n', /row 2.*never closed/],
		['ragged.csv', 'a,b\n1,2\n3,4,5\n', /Row 3 of ragged.csv has 3 values/]
	])('refuses %s with a message naming the problem, and saves nothing', async (name, content, message) => {
		const before = await listIds(alice);
		const res = await upload(alice, name, content);
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(body.error.code).toBe('validation_failed');
		expect(body.error.message).toMatch(message);
		expect(body.error.details.field).toBe('file');
		expect(await listIds(alice)).toEqual(before);
	});

	it('refuses a file over the upload limit with 413, before reading it all', async () => {
		// Declares 20 MB, then 1 GB (the limit is 16 MB) but sends only the first 64 KB: the answer must come anyway.
		for (const totalBytes of [20 * 1024 * 1024, 1024 ** 3]) {
			const { status, body } = await rawUpload({ chunked: false, totalBytes, stopAfterBytes: 64 * 1024 });
			expect(status, body).toBe(413);
			expect(JSON.parse(body).error).toMatchObject({ code: 'payload_too_large', details: { field: 'file' } });
		}
	});

	it('cuts off a body that grows past the limit without declaring its size', async () => {
		// Chunked transfer, no Content-Length: the byte count while streaming must catch it.
		const { status, body } = await rawUpload({ chunked: true, totalBytes: 20 * 1024 * 1024 });
		expect(status, body).toBe(413);
		expect(JSON.parse(body).error.code).toBe('payload_too_large');
	});

	it('needs multipart, a file field and a user', async () => {
		expect((await api(alice, '/api/v1/datasets', { method: 'POST', body: '{}' })).status).toBe(415);
		const form = new FormData();
		form.append('name', 'no file');
		const noFile = await fetch(app.base + '/api/v1/datasets', {
			method: 'POST',
			headers: { cookie: alice, origin: app.base },
			body: form
		});
		expect(noFile.status).toBe(400);
		expect((await noFile.json()).error.message).toMatch(/field named "file"/);
		const anon = await fetch(app.base + '/api/v1/datasets', {
			method: 'POST',
			body: new FormData(),
			headers: { origin: app.base }
		});
		expect(anon.status).toBe(401);
	});

	it('keeps other routes to small bodies', async () => {
		const res = await api(alice, '/api/v1/api-keys', {
			method: 'POST',
			body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
		});
		expect(res.status).toBe(413);
	});
});

describe('a dataset after upload', () => {
	let id: string;
	beforeAll(async () => {
		const res = await upload(alice, 'codes.csv', 'zip,amount\n02139,10\n10001,20\n94105,30\n');
		id = (await res.json()).id;
	});

	it('is renamed and re-typed on request, the override kept', async () => {
		const renamed = await api(alice, `/api/v1/datasets/${id}`, {
			method: 'PATCH',
			body: JSON.stringify({ name: 'Postcodes' })
		});
		expect(renamed.status).toBe(200);
		const retyped = await api(alice, `/api/v1/datasets/${id}`, {
			method: 'PATCH',
			body: JSON.stringify({ columnTypes: { amount: 'categorical' } })
		});
		const body = await retyped.json();
		expect(body.name).toBe('Postcodes');
		expect(body.columns[1]).toEqual({ name: 'amount', type: 'categorical', typeOverridden: true });
		const again = await (await api(alice, `/api/v1/datasets/${id}`)).json();
		expect(again.columns[1].typeOverridden).toBe(true);
	});

	it('refuses an unknown type or column, naming the field', async () => {
		const badType = await api(alice, `/api/v1/datasets/${id}`, {
			method: 'PATCH',
			body: JSON.stringify({ columnTypes: { amount: 'money' } })
		});
		expect(badType.status).toBe(400);
		expect((await badType.json()).error.details.field).toBe('columnTypes.amount');
		const badColumn = await api(alice, `/api/v1/datasets/${id}`, {
			method: 'PATCH',
			body: JSON.stringify({ columnTypes: { nope: 'numeric' } })
		});
		expect((await badColumn.json()).error.message).toMatch(/no column "nope"/);
	});

	it('is invisible to another user: 404 everywhere, and not listed', async () => {
		expect((await api(bob, `/api/v1/datasets/${id}`)).status).toBe(404);
		expect(
			(await api(bob, `/api/v1/datasets/${id}`, { method: 'PATCH', body: JSON.stringify({ name: 'mine' }) }))
				.status
		).toBe(404);
		expect((await api(bob, `/api/v1/datasets/${id}`, { method: 'DELETE' })).status).toBe(404);
		expect(await listIds(bob)).not.toContain(id);
		const page = await fetch(`${app.base}/datasets/${id}`, { headers: { cookie: bob } });
		expect(page.status).toBe(404);
		expect(await page.text()).not.toContain('Postcodes');
	});

	it('is deleted by its owner', async () => {
		expect((await api(alice, `/api/v1/datasets/${id}`, { method: 'DELETE' })).status).toBe(204);
		expect((await api(alice, `/api/v1/datasets/${id}`)).status).toBe(404);
	});
});

describe('GET /api/v1/openapi.json', () => {
	it('describes every API route under src/routes/api/v1, without authentication', async () => {
		const res = await fetch(app.base + '/api/v1/openapi.json');
		expect(res.status).toBe(200);
		const doc = await res.json();
		expect(doc.openapi).toBe('3.1.0');
		const routesDir = path.resolve(__dirname, '../src/routes/api/v1');
		const routes: string[] = [];
		const walk = (dir: string, prefix: string) => {
			for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
				if (entry.isDirectory())
					walk(path.join(dir, entry.name), `${prefix}/${entry.name.replace(/^\[(\w+)\]$/, '{$1}')}`);
				else if (entry.name === '+server.ts' && !prefix.endsWith('openapi.json'))
					routes.push(`/api/v1${prefix}`);
			}
		};
		walk(routesDir, '');
		for (const route of routes) expect(Object.keys(doc.paths), route).toContain(route);
	});
});

const shared = path.resolve(__dirname, '../../shared/datasets');
const sharedFiles = fs.existsSync(shared) ? fs.readdirSync(shared).filter((f) => f.endsWith('.csv')) : [];

describe.skipIf(sharedFiles.length === 0)('every dataset in ../shared/datasets through the API', () => {
	it.each(sharedFiles.filter((f) => fs.statSync(path.join(shared, f)).size < 3 * 1024 * 1024))(
		'%s',
		async (file) => {
			const res = await upload(alice, file, fs.readFileSync(path.join(shared, file)));
			expect(res.status).toBe(201);
			const body = await res.json();
			expect(body.rows).toBeGreaterThan(10);
			expect(body.columns.length).toBe(body.profile.columns.length);
		}
	);
});
