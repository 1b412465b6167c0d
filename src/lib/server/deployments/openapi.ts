/**
 * The OpenAPI 3.1 document of one deployment: its predict endpoint with this model's fields (types, training
 * ranges, categories) and answer, so a client generator or a colleague's tooling can call it as is.
 */
import type { ModelArtifact } from '../../engine/automl/artifact';
import type { InputField } from '../../engine/serve/input-schema';
import { exampleRow } from '../../deployments/example-row';
import { MAX_ROWS_PER_REQUEST } from './predict';

function fieldSchema(field: InputField): Record<string, unknown> {
	switch (field.type) {
		case 'numeric':
			return {
				type: ['number', 'null'],
				description: Number.isFinite(field.min)
					? `Training data ranged from ${field.min} to ${field.max}; values far outside are flagged in "outOfRange".`
					: 'A number.'
			};
		case 'datetime':
			return {
				type: ['string', 'number', 'null'],
				format: 'date',
				description: 'A date (YYYY-MM-DD, or an ISO date-time), or milliseconds since 1970.'
			};
		case 'boolean':
			return {
				type: ['boolean', 'string', 'null'],
				description: `true/false, or "${field.labels[1]}"/"${field.labels[0]}".`
			};
		case 'categorical':
			return field.categories
				? { type: ['string', 'null'], enum: [...field.categories, null] }
				: { type: ['string', 'null'] };
		default:
			return { type: ['string', 'null'] };
	}
}

export function deploymentOpenApi(
	origin: string,
	slug: string,
	name: string,
	artifact: ModelArtifact,
	fields: InputField[]
) {
	const row = {
		type: 'object',
		additionalProperties: false,
		required: fields.map((f) => f.name),
		properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
		description: `Every input is required; send null for a value you do not know. "${artifact.target.name}" (what is predicted) may be sent and is ignored.`
	};
	const classes = artifact.task === 'regression' ? null : artifact.target.classes;
	const prediction = {
		type: 'object',
		required: ['prediction'],
		properties: {
			prediction: classes ? { type: 'string', enum: classes } : { type: 'number' },
			...(classes
				? {
						probabilities: {
							type: 'object',
							properties: Object.fromEntries(
								classes.map((c) => [c, { type: 'number', minimum: 0, maximum: 1 }])
							),
							description: 'The chance of each class; they add up to 1.'
						}
					}
				: {}),
			explanation: {
				type: 'array',
				description:
					'How much each input moved this prediction away from "baseline" (the model\'s average), largest first. The baseline plus every contribution (explain=all) equals the prediction or, for classes, its probability.',
				items: {
					type: 'object',
					required: ['feature', 'contribution'],
					properties: { feature: { type: 'string' }, contribution: { type: 'number' } }
				}
			},
			baseline: { type: 'number' },
			missing: { type: 'array', items: { type: 'string' }, description: 'Inputs sent as missing (null).' },
			outOfRange: {
				type: 'array',
				items: { type: 'string' },
				description: 'Inputs far outside what the model saw in training: treat the prediction with care.'
			}
		}
	};
	const error = {
		description: 'Error',
		content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
	};
	const example = exampleRow(fields);
	return {
		openapi: '3.1.0',
		info: {
			title: `${name} (Hunch deployment "${slug}")`,
			version: String(1),
			description: `Predicts "${artifact.target.name}" (${artifact.task === 'regression' ? 'a number' : `one of: ${classes!.join(', ')}`}).`
		},
		servers: [{ url: origin }],
		security: [{ apiKey: [] }, {}],
		components: {
			securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Hunch API key (hk_…).' } },
			schemas: {
				Row: row,
				Prediction: prediction,
				Error: {
					type: 'object',
					properties: {
						error: {
							type: 'object',
							properties: {
								code: { type: 'string' },
								message: { type: 'string' },
								details: {
									type: 'object',
									description: 'e.g. {"field": "tenure", "row": 0, "problems": [...]}'
								}
							}
						}
					}
				}
			}
		},
		paths: {
			[`/api/v1/deployments/${slug}/predict`]: {
				post: {
					operationId: 'predict',
					summary: `Predict "${artifact.target.name}" for one row or up to ${MAX_ROWS_PER_REQUEST.toLocaleString('en-US')}`,
					parameters: [
						{
							name: 'explain',
							in: 'query',
							schema: { type: 'string', enum: ['top', 'all', 'none'], default: 'top' },
							description: 'Contributions per row: the largest few, all of them, or none (fastest).'
						},
						{ name: 'top', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 5 } }
					],
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: {
									oneOf: [
										{ $ref: '#/components/schemas/Row' },
										{
											type: 'object',
											required: ['rows'],
											properties: {
												rows: {
													type: 'array',
													minItems: 1,
													maxItems: MAX_ROWS_PER_REQUEST,
													items: { $ref: '#/components/schemas/Row' }
												}
											}
										}
									]
								},
								example: { rows: [example] }
							}
						}
					},
					responses: {
						'200': {
							description: 'One prediction per row, in order',
							content: {
								'application/json': {
									schema: {
										type: 'object',
										properties: {
											predictions: { type: 'array', items: { $ref: '#/components/schemas/Prediction' } },
											model: {
												type: 'object',
												description: 'The deployment, version and model that answered.'
											}
										}
									}
								}
							}
						},
						'400': error,
						'401': error,
						'403': error,
						'404': error,
						'413': error,
						'415': error,
						'429': error
					}
				}
			}
		}
	};
}
