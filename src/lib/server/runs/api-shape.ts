import { METRICS, type MetricName } from '../../engine/automl/scoring';
import type { RunDetail, RunSummary, TrialRow } from './store';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Seconds the run has searched so far (earlier attempts included), and its share of the time limit. */
export function runTiming(run: RunSummary, now = Date.now()) {
	const limit = run.settings.timeLimitSeconds;
	const current =
		run.status === 'running' && run.attemptStartedAt ? (now - run.attemptStartedAt.getTime()) / 1000 : 0;
	const finished =
		run.finishedAt && run.startedAt ? (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000 : null;
	const elapsed = finished ?? run.spentSeconds + current;
	return {
		elapsedSeconds: Math.round(elapsed * 10) / 10,
		remainingSeconds: run.status === 'running' ? Math.max(0, Math.round(limit - elapsed)) : null,
		fraction: run.status === 'succeeded' ? 1 : Math.min(1, elapsed / limit)
	};
}

export function higherIsBetter(metric: string | undefined): boolean {
	return metric ? (METRICS[metric as MetricName]?.higherIsBetter ?? true) : true;
}

function trialJson(t: TrialRow) {
	return {
		attempt: t.attempt,
		trial: t.trial,
		family: t.family,
		label: t.label,
		params: t.params,
		score: t.score,
		seconds: Math.round(t.seconds * 100) / 100,
		detail: t.detail,
		bestSoFar: t.bestSoFar,
		finishedAt: t.finishedAt.toISOString()
	};
}

export function runSummaryJson(run: RunSummary, now = Date.now()) {
	return {
		id: run.id,
		status: run.status,
		cancelRequested: run.cancelRequested,
		datasetId: run.datasetId,
		datasetName: run.datasetName,
		target: run.target,
		settings: run.settings,
		progress: { ...run.progress, ...runTiming(run, now) },
		queuePosition: run.queuePosition,
		bestScore: run.bestScore,
		modelId: run.modelId,
		error: run.error,
		attempt: run.attempt,
		rerunOf: run.rerunOf,
		createdAt: run.createdAt.toISOString(),
		startedAt: iso(run.startedAt),
		finishedAt: iso(run.finishedAt)
	};
}

/** `GET /api/v1/runs/{id}`: the run, its leaderboard (best first) and its trials in the order they finished. */
export function runJson(run: RunDetail, now = Date.now()) {
	const up = higherIsBetter(run.progress.metric);
	const scored = run.trials.filter((t) => t.score !== null);
	const leaderboard = [...scored]
		.sort(
			(a, b) => (up ? b.score! - a.score! : a.score! - b.score!) || a.attempt - b.attempt || a.trial - b.trial
		)
		.map((t, i) => ({ rank: i + 1, ...trialJson(t) }));
	return {
		...runSummaryJson(run, now),
		higherIsBetter: up,
		leaderboard,
		trials: run.trials.map(trialJson)
	};
}

export type RunJson = ReturnType<typeof runJson>;
export type RunSummaryJson = ReturnType<typeof runSummaryJson>;
