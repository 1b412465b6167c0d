/**
 * `POST /api/v1/deployments/{slug}/predict`: who may call, how often, what the body must hold, and the answer.
 * Kept apart from any transport so the rules read in one place: the SvelteKit route and the Node.js fast path
 * (predict-node.ts) both answer with exactly this code.
 */
import type { ModelArtifact } from '../../engine/automl/artifact';
import { selectRows } from '../../engine/frame/select';
import { predictRows, type PredictOptions, type RowPrediction } from '../../engine/serve/predict-rows';
import { parseRows, type ParsedRows } from '../../engine/serve/rows';
import { apiErrorBody, type ApiErrorCode } from '../api/errors';
import type { Serving } from './serving';
import type { ServedDeployment } from './serving-cache';

export const MAX_ROWS_PER_REQUEST = 10_000;
/** JSON of 10,000 rows with a few dozen fields; anything bigger is refused before it is read. */
export const MAX_PREDICT_BODY_BYTES = 32 * 1024 * 1024;
const MAX_TOP = 100;
/** Problems listed in a 400's details (the message names the first). */
const MAX_LISTED_PROBLEMS = 100;
/**
 * Big batches are predicted a slice at a time, letting other requests in between, so a 10,000-row batch does
 * not hold up everyone else's single rows. Slices are sized from the time per row measured so far to take
 * about SLICE_MS each: a fixed 250 rows took ~0.3 s with contributions on a busy machine, and a single row's
 * database connection, which needs several event-loop turns, then timed out behind a batch.
 */
const SLICE_MS = 25;
const FIRST_SLICE_ROWS = 50;
const MAX_SLICE_ROWS = 2_000;
/** Time one request may spend on contributions; later rows of a batch are answered without them. */
const EXPLAIN_BUDGET_MS = 10_000;

/**
 * Predictions may be requested from any web page (a key in the Authorization header, or none for a public
 * deployment); the session cookie is never sent cross-site (SameSite=Lax), so allowing any origin exposes
 * nothing a script could not already reach.
 */
export const PREDICT_CORS_HEADERS: Readonly<Record<string, string>> = {
	'Access-Control-Allow-Origin': '*',
	'Access-Control-Expose-Headers':
		'Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-Hunch-Deployment-Version'
};

/** What the answer needs of the request, whichever server received it. */
export interface PredictRequest {
	/** The Content-Type header, if any. */
	contentType: string | null;
	searchParams: URLSearchParams;
	/** The body as text (read only after the caller is authorised and within its rate limit). */
	text(): Promise<string>;
}

export interface PredictAnswer {
	status: number;
	headers: Record<string, string>;
	/** JSON text. */
	body: string;
}

export interface PredictCaller {
	userId: string | null;
	keyId: string | null;
	/** Set when the key works only for one deployment. */
	keyDeploymentId: string | null;
	/** Client IP, for limiting anonymous callers of public deployments. */
	address: string;
}

class PredictError extends Error {
	constructor(
		readonly status: number,
		readonly code: ApiErrorCode,
		message: string,
		readonly details: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {}
	) {
		super(message);
	}
}

/** Who may call: the owner (session or key), anyone for a public deployment, nobody else. */
function authorise(served: ServedDeployment, slug: string, caller: PredictCaller): void {
	const { pointer } = served;
	if (caller.keyDeploymentId && caller.keyDeploymentId !== pointer.id)
		throw new PredictError(403, 'forbidden', 'This API key works only for another deployment.');
	if (caller.userId === pointer.ownerId || pointer.isPublic) return;
	if (caller.userId)
		// Someone else's private deployment: answered as if it did not exist.
		throw new PredictError(404, 'not_found', `No deployment "${slug}".`);
	throw new PredictError(
		401,
		'unauthorized',
		`Deployment "${slug}" is private: send an API key as "Authorization: Bearer <key>".`,
		{},
		{ 'WWW-Authenticate': 'Bearer' }
	);
}

function readOptions(searchParams: URLSearchParams): PredictOptions {
	const explain = searchParams.get('explain') ?? 'top';
	if (explain !== 'top' && explain !== 'all' && explain !== 'none')
		throw new PredictError(
			400,
			'bad_request',
			`"explain" must be "top", "all" or "none", not "${explain}".`,
			{
				field: 'explain'
			}
		);
	const topText = searchParams.get('top');
	const top = topText === null ? 5 : Number(topText);
	if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
		throw new PredictError(400, 'bad_request', `"top" must be a whole number from 1 to ${MAX_TOP}.`, {
			field: 'top'
		});
	return { explain, top };
}

async function readRows(request: PredictRequest): Promise<unknown[]> {
	if (!/^application\/json\b/i.test(request.contentType ?? ''))
		throw new PredictError(
			415,
			'unsupported_media_type',
			'Send the rows as JSON with "Content-Type: application/json".'
		);
	let body: unknown;
	try {
		body = JSON.parse(await request.text());
	} catch {
		throw new PredictError(400, 'bad_request', 'The request body is not valid JSON.');
	}
	if (Array.isArray(body))
		throw new PredictError(
			400,
			'bad_request',
			'Send {"rows": [...]} for several rows, or one row as an object.',
			{
				field: 'rows'
			}
		);
	if (!body || typeof body !== 'object')
		throw new PredictError(
			400,
			'bad_request',
			'The request body must be a JSON object: one row, or {"rows": [...]}.'
		);
	const record = body as Record<string, unknown>;
	const rows = Array.isArray(record.rows) ? record.rows : [record];
	if (rows.length === 0)
		throw new PredictError(400, 'bad_request', '"rows" is empty: send at least one row.', { field: 'rows' });
	if (rows.length > MAX_ROWS_PER_REQUEST)
		throw new PredictError(
			413,
			'payload_too_large',
			`${rows.length.toLocaleString('en-US')} rows in one request; at most ${MAX_ROWS_PER_REQUEST.toLocaleString('en-US')} are accepted. Split the batch.`,
			{ field: 'rows', limit: MAX_ROWS_PER_REQUEST }
		);
	return rows;
}

function rowsOf(parsed: ParsedRows, start: number, end: number): ParsedRows {
	const indices = Uint32Array.from({ length: end - start }, (_, j) => start + j);
	return {
		frame: selectRows(parsed.frame, indices),
		problems: [],
		missing: parsed.missing.slice(start, end),
		outOfRange: parsed.outOfRange.slice(start, end)
	};
}

/** Predicts in chunks, yielding to the event loop between them; contributions stop at the time budget. */
async function predictInChunks(
	artifact: ModelArtifact,
	parsed: ParsedRows,
	options: PredictOptions
): Promise<{ predictions: RowPrediction[]; unexplained: number }> {
	const n = parsed.frame.rowCount;
	if (n <= FIRST_SLICE_ROWS) return { predictions: predictRows(artifact, parsed, options), unexplained: 0 };
	const deadline = performance.now() + EXPLAIN_BUDGET_MS;
	const predictions: RowPrediction[] = [];
	let unexplained = 0;
	let slice = FIRST_SLICE_ROWS;
	for (let start = 0; start < n; ) {
		await new Promise((resolve) => setImmediate(resolve));
		const end = Math.min(n, start + slice);
		const explain = options.explain !== 'none' && performance.now() > deadline ? 'none' : options.explain;
		if (explain !== options.explain) unexplained += end - start;
		const started = performance.now();
		for (const p of predictRows(artifact, rowsOf(parsed, start, end), { ...options, explain }))
			predictions.push(p);
		const msPerRow = Math.max(1e-3, (performance.now() - started) / (end - start));
		// Rows without contributions are much cheaper: the next slice is sized from the one just done.
		slice = Math.max(1, Math.min(MAX_SLICE_ROWS, Math.round(SLICE_MS / msPerRow)));
		start = end;
	}
	return { predictions, unexplained };
}

async function answer(served: ServedDeployment, rows: unknown[], options: PredictOptions) {
	const { artifact, fields, modelId } = served.model;
	const parsed = parseRows(fields, rows, artifact.target.name);
	if (parsed.problems.length) {
		const [first] = parsed.problems;
		const where = rows.length > 1 ? `Row ${first.row + 1}: ` : '';
		const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more problems)` : '';
		throw new PredictError(400, 'validation_failed', `${where}${first.message}${more}.`, {
			field: first.field,
			row: first.row,
			problems: parsed.problems.slice(0, MAX_LISTED_PROBLEMS)
		});
	}
	const { predictions, unexplained } = await predictInChunks(artifact, parsed, options);
	return {
		predictions,
		model: {
			deployment: served.pointer.slug,
			version: served.pointer.version,
			modelId,
			task: artifact.task,
			target: artifact.target.name,
			...(artifact.task === 'regression' ? {} : { classes: artifact.target.classes })
		},
		...(unexplained
			? {
					warnings: [
						`Contributions are given for the first ${(rows.length - unexplained).toLocaleString('en-US')} rows only: explaining this batch took longer than ${EXPLAIN_BUDGET_MS / 1000} s. Every row has its prediction; send smaller batches, or explain=none when only predictions are needed.`
					]
				}
			: {})
	};
}

/** Answers one prediction request and records it in the deployment's log. */
export async function answerPredict(
	serving: Serving,
	slug: string,
	caller: PredictCaller,
	request: PredictRequest
): Promise<PredictAnswer> {
	const started = performance.now();
	let served: ServedDeployment | null = null;
	let rowCount = 0;
	let reply: PredictAnswer;
	let errorCode: string | null = null;
	try {
		served = await serving.cache.get(slug);
		if (!served) throw new PredictError(404, 'not_found', `No deployment "${slug}".`);
		authorise(served, slug, caller);
		const limit = caller.userId ? serving.limits.perKey : serving.limits.perAddress;
		const decision = serving.limiter.hit(
			caller.keyId ? `key:${caller.keyId}` : caller.userId ? `user:${caller.userId}` : `ip:${caller.address}`,
			limit
		);
		const limitHeaders = {
			'X-RateLimit-Limit': String(decision.limit),
			'X-RateLimit-Remaining': String(decision.remaining)
		};
		if (!decision.allowed)
			throw new PredictError(
				429,
				'rate_limited',
				`Too many requests: at most ${decision.limit} a minute. Try again in ${decision.retryAfterSeconds} s.`,
				{ limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds },
				{ ...limitHeaders, 'Retry-After': String(decision.retryAfterSeconds) }
			);
		const options = readOptions(request.searchParams);
		const rows = await readRows(request);
		rowCount = rows.length;
		reply = {
			status: 200,
			headers: {
				...PREDICT_CORS_HEADERS,
				'Content-Type': 'application/json',
				'Cache-Control': 'no-store',
				'X-Hunch-Deployment-Version': String(served.pointer.version),
				...limitHeaders
			},
			body: JSON.stringify(await answer(served, rows, options))
		};
	} catch (err) {
		if (!(err instanceof PredictError)) throw err;
		errorCode = err.code;
		reply = {
			status: err.status,
			headers: { ...PREDICT_CORS_HEADERS, 'Content-Type': 'application/json', ...err.headers },
			body: apiErrorBody(err.code, err.message, err.details)
		};
	}
	if (served)
		serving.log.record({
			deploymentId: served.pointer.id,
			version: served.pointer.version,
			keyId: caller.keyId,
			at: new Date(),
			status: reply.status,
			rows: rowCount,
			latencyMs: performance.now() - started,
			errorCode
		});
	return reply;
}
