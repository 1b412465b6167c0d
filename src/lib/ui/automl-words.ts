/** Plain words for the ML terms the wizard and run pages show, so an analyst never meets one unexplained. */

export const TASK_WORDS: Record<string, { label: string; explain: string }> = {
	binary: {
		label: 'Yes / no (two outcomes)',
		explain: 'Hunch will predict which of two values each row has, with a probability.'
	},
	multiclass: {
		label: 'One of several categories',
		explain: 'Hunch will predict which category each row belongs to, with a probability for each.'
	},
	regression: { label: 'A number', explain: 'Hunch will predict a number for each row.' }
};

export const METRIC_WORDS: Record<
	string,
	{ label: string; explain: string; tasks: string[]; higherIsBetter: boolean }
> = {
	auc: {
		label: 'AUC',
		explain: 'How well it ranks the likely rows above the unlikely ones (1 is perfect, 0.5 is a coin flip).',
		tasks: ['binary'],
		higherIsBetter: true
	},
	logloss: {
		label: 'Log loss',
		explain: 'How right and how sure its probabilities are (lower is better).',
		tasks: ['binary', 'multiclass'],
		higherIsBetter: false
	},
	accuracy: {
		label: 'Accuracy',
		explain: 'The share of rows it gets right.',
		tasks: ['binary', 'multiclass'],
		higherIsBetter: true
	},
	balanced_accuracy: {
		label: 'Balanced accuracy',
		explain: 'Accuracy averaged over the outcomes, so a rare outcome counts as much as a common one.',
		tasks: ['binary', 'multiclass'],
		higherIsBetter: true
	},
	f1: {
		label: 'F1',
		explain: 'A balance between catching the “yes” rows and not raising false alarms.',
		tasks: ['binary'],
		higherIsBetter: true
	},
	rmse: {
		label: 'RMSE',
		explain: 'The typical size of an error, in the target’s units; big misses count extra (lower is better).',
		tasks: ['regression'],
		higherIsBetter: false
	},
	mae: {
		label: 'MAE',
		explain: 'The average size of an error, in the target’s units (lower is better).',
		tasks: ['regression'],
		higherIsBetter: false
	},
	r2: {
		label: 'R²',
		explain:
			'The share of the target’s ups and downs the model explains (1 is perfect, 0 is no better than the average).',
		tasks: ['regression'],
		higherIsBetter: true
	}
};

export const DEFAULT_METRIC: Record<string, string> = {
	binary: 'auc',
	multiclass: 'logloss',
	regression: 'rmse'
};

export const FAMILY_WORDS: Record<string, { label: string; explain: string }> = {
	linear: {
		label: 'Linear model',
		explain: 'Simple and fast; each column pushes the prediction up or down by a fixed amount.'
	},
	gbdt: {
		label: 'Gradient boosting',
		explain: 'Many small decision trees, each fixing the last one’s mistakes; usually the most accurate.'
	},
	random_forest: {
		label: 'Random forest',
		explain: 'Hundreds of decision trees that vote; robust and hard to overfit.'
	},
	extra_trees: {
		label: 'Extra trees',
		explain: 'A forest with more randomness; fast, and often a useful second opinion.'
	},
	knn: {
		label: 'Nearest neighbours',
		explain: 'Predicts from the most similar rows in the training data; good on small tables.'
	},
	mlp: {
		label: 'Neural network',
		explain:
			'Layers of learned weights; finds smooth patterns across many columns, and blends well with trees.'
	}
};

export const VALIDATION_WORDS = {
	auto: 'Hunch holds back part of the rows in turn (cross-validation) and scores each model on rows it did not see.',
	group:
		'Rows that share a value in this column (a customer, a store) are always held back together, so the score reflects new groups.',
	time: 'Models are scored on the latest rows after learning from earlier ones, as they will be used: on the future.'
};

export const TIME_CHOICES = [
	{ seconds: 60, label: '1 minute', explain: 'A quick first look.' },
	{ seconds: 300, label: '5 minutes', explain: 'Good for most tables.' },
	{ seconds: 900, label: '15 minutes', explain: 'A more thorough search.' },
	{ seconds: 3600, label: '60 minutes', explain: 'The last bit of accuracy on big tables.' }
];

/** A score in a metric's usual precision. */
export function formatScore(score: number | null | undefined, metric?: string): string {
	if (score === null || score === undefined || !Number.isFinite(score)) return '—';
	if (metric === 'rmse' || metric === 'mae')
		return Math.abs(score) >= 100 ? score.toFixed(1) : score.toPrecision(4);
	return score.toFixed(4);
}

export function formatDuration(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined) return '—';
	const s = Math.round(seconds);
	if (s < 60) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m} min ${s % 60} s`;
	return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const STATUS_WORDS: Record<string, string> = {
	queued: 'Waiting for a worker',
	running: 'Searching',
	succeeded: 'Finished',
	failed: 'Failed',
	cancelled: 'Cancelled'
};
