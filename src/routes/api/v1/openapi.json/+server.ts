import { json } from '@sveltejs/kit';
import { openApiDocument } from '$lib/server/api/openapi';
import type { RequestHandler } from './$types';

/** Public: describes the API, reveals no data. */
export const GET: RequestHandler = ({ url }) => json(openApiDocument(url.origin));
