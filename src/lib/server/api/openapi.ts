/** The OpenAPI 3.1 description of the REST API as it stands. Extend it with every new route. */
const error = {
	description: 'Error',
	content: {
		'application/json': {
			schema: { $ref: '#/components/schemas/Error' }
		}
	}
};

const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));

export function openApiDocument(serverUrl: string) {
	return {
		openapi: '3.1.0',
		info: {
			title: 'Hunch API',
			version: '1',
			description:
				'Everything the Hunch web app does, for scripts. Authenticate with a personal API key from Settings: "Authorization: Bearer <key>". Keys are never accepted in the URL.'
		},
		servers: [{ url: serverUrl }],
		security: [{ apiKey: [] }],
		components: {
			securitySchemes: {
				apiKey: { type: 'http', scheme: 'bearer', description: 'A personal API key (hk_…).' }
			},
			schemas: {
				Error: {
					type: 'object',
					required: ['error'],
					properties: {
						error: {
							type: 'object',
							required: ['code', 'message', 'details'],
							properties: {
								code: { type: 'string', examples: ['validation_failed', 'not_found', 'payload_too_large'] },
								message: { type: 'string' },
								details: {
									type: 'object',
									description: 'e.g. {"field": "file", "row": 3, "column": "price"}'
								}
							}
						}
					}
				},
				ApiKey: {
					type: 'object',
					properties: {
						id: { type: 'string', format: 'uuid' },
						name: { type: 'string' },
						prefix: { type: 'string' },
						createdAt: { type: 'string', format: 'date-time' },
						lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
						revokedAt: { type: ['string', 'null'], format: 'date-time' }
					}
				},
				Column: {
					type: 'object',
					properties: {
						name: { type: 'string' },
						type: { enum: ['numeric', 'categorical', 'boolean', 'datetime', 'text', 'identifier'] },
						typeOverridden: { type: 'boolean' }
					}
				},
				Dataset: {
					type: 'object',
					properties: {
						id: { type: 'string', format: 'uuid' },
						name: { type: 'string' },
						fileName: { type: 'string' },
						sizeBytes: { type: 'integer' },
						rows: { type: 'integer' },
						columns: { type: 'array', items: { $ref: '#/components/schemas/Column' } },
						profile: {
							type: 'object',
							description: 'rows, columns (statistics per column), duplicateRows, warnings'
						},
						createdAt: { type: 'string', format: 'date-time' }
					}
				}
			}
		},
		paths: {
			'/api/v1/api-keys': {
				get: {
					summary: 'List your API keys',
					responses: { '200': { description: 'Keys (never the secret)' }, ...errors(401) }
				},
				post: {
					summary: 'Create an API key (the key is in this response only)',
					requestBody: {
						content: {
							'application/json': {
								schema: {
									type: 'object',
									required: ['name'],
									properties: { name: { type: 'string', maxLength: 100 } }
								}
							}
						}
					},
					responses: { '201': { description: 'The new key, with `key`' }, ...errors(400, 401, 415) }
				}
			},
			'/api/v1/api-keys/{id}': {
				delete: {
					summary: 'Revoke an API key',
					parameters: [
						{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }
					],
					responses: { '204': { description: 'Revoked' }, ...errors(401, 404) }
				}
			},
			'/api/v1/datasets': {
				get: {
					summary: 'List your datasets',
					responses: { '200': { description: '{"datasets": [...]}' }, ...errors(401) }
				},
				post: {
					summary: 'Upload a CSV or XLSX file',
					requestBody: {
						content: {
							'multipart/form-data': {
								schema: {
									type: 'object',
									required: ['file'],
									properties: {
										file: { type: 'string', format: 'binary' },
										name: { type: 'string' },
										sheet: { type: 'string', description: 'Excel sheet name; the first sheet by default' },
										delimiter: {
											type: 'string',
											description: 'Force a delimiter (otherwise guessed among , ; tab |)'
										}
									}
								}
							}
						}
					},
					responses: {
						'201': {
							description: 'The dataset',
							content: { 'application/json': { schema: { $ref: '#/components/schemas/Dataset' } } }
						},
						...errors(400, 401, 413, 415)
					}
				}
			},
			'/api/v1/datasets/{id}': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				get: {
					summary: 'A dataset with its profile and the first 100 rows',
					responses: { '200': { description: 'The dataset, with `preview`' }, ...errors(401, 404) }
				},
				patch: {
					summary: 'Rename, or override column types',
					requestBody: {
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: {
										name: { type: 'string' },
										columnTypes: {
											type: 'object',
											additionalProperties: { $ref: '#/components/schemas/Column/properties/type' }
										}
									}
								}
							}
						}
					},
					responses: { '200': { description: 'The updated dataset' }, ...errors(400, 401, 404) }
				},
				delete: {
					summary: 'Delete a dataset',
					responses: { '204': { description: 'Deleted' }, ...errors(401, 404) }
				}
			},
			'/healthz': {
				get: {
					security: [],
					summary: 'Database, queue, workers online and compute backend',
					responses: {
						'200': { description: 'Healthy or degraded' },
						'503': { description: 'Database unreachable' }
					}
				}
			}
		}
	};
}
