/**
 * Copy-paste code that calls a deployment, with its real URL and this model's field names and typical
 * values. The key is read from the HUNCH_API_KEY environment variable, never written into the snippet.
 */
import type { FieldValue } from './example-row';

export interface SnippetInput {
	url: string;
	row: Record<string, FieldValue>;
	/** A private deployment needs the key header; a public one works without. */
	needsKey: boolean;
}

export type SnippetLanguage = 'curl' | 'javascript' | 'python';

function indent(text: string, by: string): string {
	return text
		.split('\n')
		.map((line, i) => (i === 0 ? line : by + line))
		.join('\n');
}

/** Shell single-quoting: the text can hold anything, quotes included. */
function shellQuote(text: string): string {
	return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A Python literal for a JSON value (None/True/False instead of null/true/false). */
function pythonLiteral(value: unknown, depth = 0): string {
	if (value === null || value === undefined) return 'None';
	if (value === true) return 'True';
	if (value === false) return 'False';
	if (typeof value === 'number' || typeof value === 'string') return JSON.stringify(value);
	const pad = '    '.repeat(depth + 1);
	const close = '    '.repeat(depth);
	if (Array.isArray(value))
		return `[\n${value.map((v) => pad + pythonLiteral(v, depth + 1)).join(',\n')}\n${close}]`;
	const entries = Object.entries(value as Record<string, unknown>);
	return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, depth + 1)}`).join(',\n')}\n${close}}`;
}

export function snippet(language: SnippetLanguage, { url, row, needsKey }: SnippetInput): string {
	const body = JSON.stringify({ rows: [row] }, null, 2);
	switch (language) {
		case 'curl':
			return [
				`curl -X POST ${shellQuote(url)} \\`,
				...(needsKey ? ['  -H "Authorization: Bearer $HUNCH_API_KEY" \\'] : []),
				`  -H 'Content-Type: application/json' \\`,
				`  -d ${indent(shellQuote(body), '  ')}`
			].join('\n');
		case 'javascript':
			return [
				`const response = await fetch(${JSON.stringify(url)}, {`,
				`  method: 'POST',`,
				`  headers: {`,
				...(needsKey ? ['    Authorization: `Bearer ${process.env.HUNCH_API_KEY}`,'] : []),
				`    'Content-Type': 'application/json'`,
				`  },`,
				`  body: JSON.stringify(${indent(body, '  ')})`,
				`});`,
				`if (!response.ok) throw new Error((await response.json()).error.message);`,
				`const { predictions } = await response.json();`,
				`console.log(predictions[0].prediction, predictions[0].explanation);`
			].join('\n');
		case 'python':
			return [
				...(needsKey ? ['import os', ''] : []),
				'import requests',
				'',
				`response = requests.post(`,
				`    ${JSON.stringify(url)},`,
				...(needsKey ? [`    headers={"Authorization": f"Bearer {os.environ['HUNCH_API_KEY']}"},`] : []),
				`    json=${indent(pythonLiteral({ rows: [row] }, 1), '')},`,
				`    timeout=30,`,
				`)`,
				`response.raise_for_status()`,
				`prediction = response.json()["predictions"][0]`,
				`print(prediction["prediction"], prediction["explanation"])`
			].join('\n');
	}
}
