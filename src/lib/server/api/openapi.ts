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

const slugParameter = {
	name: 'slug',
	in: 'path',
	required: true,
	schema: { type: 'string', pattern: '^[a-z0-9-]{3,60}$' }
};

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
				PublishRequest: {
					type: 'object',
					properties: {
						public: { type: 'boolean', default: false, description: 'Answer anyone, without a key' },
						slug: { type: 'string', description: 'The URL name; made from the model name when absent' },
						name: { type: 'string', maxLength: 100 },
						deployment: {
							type: 'string',
							description: 'Publish as the next version of this existing deployment instead'
						}
					}
				},
				Deployment: {
					type: 'object',
					properties: {
						slug: { type: 'string' },
						name: { type: 'string' },
						public: { type: 'boolean' },
						url: { type: 'string', description: 'The predict endpoint' },
						shareUrl: { type: 'string', description: 'The share page' },
						openApiUrl: { type: 'string' },
						version: { type: 'integer' },
						model: { type: 'object' },
						versions: { type: 'array', items: { type: 'object' } }
					}
				},
				RunRequest: {
					type: 'object',
					required: ['datasetId', 'target'],
					properties: {
						datasetId: { type: 'string', format: 'uuid' },
						target: { type: 'string', description: 'The column to predict' },
						task: { type: 'string', enum: ['auto', 'binary', 'multiclass', 'regression'], default: 'auto' },
						metric: {
							type: 'string',
							enum: ['auto', 'auc', 'logloss', 'accuracy', 'balanced_accuracy', 'f1', 'rmse', 'mae', 'r2'],
							default: 'auto'
						},
						timeLimitSeconds: { type: 'number', minimum: 10, maximum: 86400, default: 300 },
						excludeColumns: { type: 'array', items: { type: 'string' } },
						models: {
							type: 'array',
							items: {
								type: 'string',
								enum: ['linear', 'gbdt', 'random_forest', 'extra_trees', 'knn', 'mlp']
							},
							description: 'Model families to search; all when empty'
						},
						validation: {
							type: 'object',
							properties: {
								kind: { type: 'string', enum: ['auto', 'group', 'time'] },
								column: { type: 'string' }
							}
						},
						seed: { type: 'integer', minimum: 0, default: 0 },
						maxTrials: { type: 'integer', minimum: 1 }
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
			'/api/v1/datasets/{id}/target': {
				parameters: [
					{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
					{ name: 'column', in: 'query', required: true, schema: { type: 'string' } },
					{
						name: 'task',
						in: 'query',
						schema: { type: 'string', enum: ['auto', 'binary', 'multiclass', 'regression'] }
					}
				],
				get: {
					summary: 'Check a column as the target: task and why, distribution, warnings, columns to leave out',
					responses: {
						'200': {
							description:
								'`{target, task, reason, rows, missing, classes | numeric, warnings, suggestedExclusions}`'
						},
						...errors(400, 401, 404)
					}
				}
			},
			'/api/v1/runs': {
				get: {
					summary: 'Your runs, newest first, with status, progress and queue position',
					responses: { '200': { description: '`{runs: [...]}`' }, ...errors(401) }
				},
				post: {
					summary: 'Start a run: saved and queued in one transaction',
					requestBody: {
						required: true,
						content: { 'application/json': { schema: { $ref: '#/components/schemas/RunRequest' } } }
					},
					responses: {
						'202': { description: '`{id, status, queuePosition}`; `Location` is the run' },
						...errors(400, 401, 404, 415)
					}
				}
			},
			'/api/v1/runs/{id}': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				get: {
					summary:
						'A run: status, progress, leaderboard (best first), trials (as they finished), modelId, error',
					responses: { '200': { description: 'The run' }, ...errors(401, 404) }
				}
			},
			'/api/v1/runs/{id}/events': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				get: {
					summary:
						'Server-sent events: `event: run` with the whole run now and after every change; closes when it ends',
					responses: {
						'200': { description: 'An event stream', content: { 'text/event-stream': {} } },
						...errors(401, 404)
					}
				}
			},
			'/api/v1/runs/{id}/cancel': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				post: {
					summary:
						'Cancel: a queued run at once, a running one within seconds (trials finished so far are kept)',
					responses: { '202': { description: 'Cancelled or stopping' }, ...errors(401, 404, 409) }
				}
			},
			'/api/v1/runs/{id}/rerun': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				post: {
					summary: "Start a new run with this run's settings, changed by any fields of the optional body",
					requestBody: {
						content: { 'application/json': { schema: { $ref: '#/components/schemas/RunRequest' } } }
					},
					responses: { '202': { description: '`{id, status}` of the new run' }, ...errors(400, 401, 404) }
				}
			},
			'/api/v1/models': {
				get: {
					summary: 'Your models, newest first',
					responses: { '200': { description: '`{models: [...]}`' }, ...errors(401) }
				}
			},
			'/api/v1/models/{id}': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				get: {
					summary:
						'A model: metrics, leaderboard, ensemble members, validation, warnings, input columns, and its explanations',
					description:
						'`explanations` (null for models trained without them) holds the model report: `importance` (per column: `drop` of the metric when shuffled, `spread` over repeats, `meanAbsContribution`), `dependence` (partial dependence and ICE curves of the top columns), `evaluation` (binary: confusion matrix, ROC, precision–recall, calibration, gains, threshold table; multiclass: confusion, per-class, calibration; regression: predicted vs actual sample, residual histogram, error by decile), `intervals` (95% bootstrap range per metric), `baseline` (the naive model and its metrics), `segments` (weak slices in words) and `summary` (plain-language findings).',
					responses: { '200': { description: 'The model' }, ...errors(401, 404) }
				}
			},
			'/api/v1/models/{id}/deployments': {
				parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
				post: {
					summary:
						'Publish the model: a new deployment, or (with `deployment`) the next version of an existing one, swapped in at once',
					requestBody: {
						content: { 'application/json': { schema: { $ref: '#/components/schemas/PublishRequest' } } }
					},
					responses: {
						'201': {
							description: 'The new deployment',
							content: { 'application/json': { schema: { $ref: '#/components/schemas/Deployment' } } }
						},
						'200': {
							description: 'The deployment, now serving this model as its newest version',
							content: { 'application/json': { schema: { $ref: '#/components/schemas/Deployment' } } }
						},
						...errors(400, 401, 404, 409)
					}
				}
			},
			'/api/v1/deployments': {
				get: {
					summary: 'Your deployments, most recently changed first',
					responses: { '200': { description: '`{deployments: [...]}`' }, ...errors(401) }
				}
			},
			'/api/v1/deployments/{slug}': {
				parameters: [slugParameter],
				get: {
					summary:
						'A deployment with its version history (`versions`, newest first, `serving` marks the live one)',
					responses: {
						'200': {
							description: 'The deployment',
							content: { 'application/json': { schema: { $ref: '#/components/schemas/Deployment' } } }
						},
						...errors(401, 404)
					}
				},
				patch: {
					summary: 'Make it public or private (`public`), or rename it (`name`)',
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: {
									type: 'object',
									properties: { public: { type: 'boolean' }, name: { type: 'string', maxLength: 100 } }
								}
							}
						}
					},
					responses: { '200': { description: 'The updated deployment' }, ...errors(400, 401, 404) }
				},
				delete: {
					summary: 'Stop serving; delete its history and log, revoke its keys (the models stay)',
					responses: { '204': { description: 'Deleted' }, ...errors(401, 404) }
				}
			},
			'/api/v1/deployments/{slug}/rollback': {
				parameters: [slugParameter],
				post: {
					summary: 'Serve an earlier version again, at once',
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: {
									type: 'object',
									required: ['version'],
									properties: { version: { type: 'integer', minimum: 1 } }
								}
							}
						}
					},
					responses: { '200': { description: 'The deployment' }, ...errors(400, 401, 404) }
				}
			},
			'/api/v1/deployments/{slug}/predict': {
				parameters: [
					slugParameter,
					{
						name: 'explain',
						in: 'query',
						schema: { type: 'string', enum: ['top', 'all', 'none'], default: 'top' },
						description: 'Contributions per row: the `top` largest, all of them, or none'
					},
					{ name: 'top', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 5 } }
				],
				post: {
					security: [{ apiKey: [] }, {}],
					summary:
						'Predict one row (a JSON object) or up to 10,000 (`{"rows": [...]}`); no key needed for a public deployment',
					description:
						"Each input of the model is a field; send null for an unknown value. A missing field, a value of the wrong type, a category the model never saw or a field it does not read is a 400 naming the row and field (`details.problems` lists them all). The deployment's own document (`/api/v1/deployments/{slug}/openapi.json`) has the exact fields. Requests are limited per key (429 with `Retry-After`).",
					requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
					responses: {
						'200': {
							description:
								'`{predictions: [{prediction, probabilities?, explanation: [{feature, contribution}], baseline, missing?, outOfRange?}], model: {deployment, version, modelId, task, target, classes?}}`'
						},
						...errors(400, 401, 403, 404, 413, 415, 429)
					}
				}
			},
			'/api/v1/deployments/{slug}/openapi.json': {
				parameters: [slugParameter],
				get: {
					security: [{ apiKey: [] }, {}],
					summary: "The deployment's own OpenAPI document: its predict endpoint with this model's fields",
					responses: { '200': { description: 'OpenAPI 3.1' }, ...errors(404) }
				}
			},
			'/api/v1/deployments/{slug}/usage': {
				parameters: [
					slugParameter,
					{ name: 'hours', in: 'query', schema: { type: 'number', default: 24, maximum: 720 } }
				],
				get: {
					summary: 'Requests, rows, errors and latency (p50, p95) over time, from the prediction log',
					responses: {
						'200': {
							description:
								'`{fromIso, bucketSeconds, buckets: [{at, requests, rows, errors, p50Ms, p95Ms}], totals}`'
						},
						...errors(400, 401, 404)
					}
				}
			},
			'/api/v1/deployments/{slug}/keys': {
				parameters: [slugParameter],
				get: {
					summary: "Keys that work only for this deployment's predictions",
					responses: { '200': { description: '`{keys: [...]}`' }, ...errors(401, 404) }
				},
				post: {
					summary:
						'Create a key for this deployment only (shown once); revoke it with DELETE /api/v1/api-keys/{id}',
					requestBody: {
						required: true,
						content: {
							'application/json': {
								schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }
							}
						}
					},
					responses: {
						'201': { description: '`{id, name, key, deploymentId, …}`' },
						...errors(400, 401, 404)
					}
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
