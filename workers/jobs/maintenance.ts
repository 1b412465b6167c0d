import type { Database } from '../../src/lib/server/db';
import { deleteExpiredRateLimits } from '../../src/lib/server/auth/rate-limit';
import { deleteExpiredSessions } from '../../src/lib/server/auth/session';
import { deleteOldPredictionLog } from '../../src/lib/server/deployments/prediction-log';
import { deleteOrphanedFoldTasks } from '../../src/lib/server/runs/fold-tasks';
import { pruneWorkers } from '../../src/lib/server/queue/workers-registry';

export interface MaintenanceResult {
	expiredSessions: number;
	expiredRateLimits: number;
	prunedWorkers: number;
	oldPredictionLog: number;
	orphanedFoldTasks: number;
}

/** Housekeeping; a plain function so it is tested without the queue. Safe to run twice at once. */
export async function runMaintenance(db: Database, now = new Date()): Promise<MaintenanceResult> {
	return {
		expiredSessions: await deleteExpiredSessions(db, now),
		expiredRateLimits: await deleteExpiredRateLimits(db),
		prunedWorkers: await pruneWorkers(db),
		oldPredictionLog: await deleteOldPredictionLog(db, now),
		orphanedFoldTasks: await deleteOrphanedFoldTasks(db)
	};
}
