/**
 * The searcher: which configuration to try next. It only suggests and hears results; the orchestrator runs the
 * trials.
 *
 * Strategy (a cost-frugal local search in the spirit of FLAML's CFO): first every family's starting
 * configurations, cheapest family first, so a good result exists within seconds. Then, around each family's
 * best configuration so far, random-direction steps in a normalised space: a step that improves moves there;
 * one that does not is tried in the opposite direction; two failures shrink the step. Two of every three
 * proposals go to the best family, the rest rotate through the others, so a family that started slightly worse
 * still gets tuned. We chose this over successive halving because our trials are already cheap-first and
 * early-stopped, and small tables (most spreadsheets) give too few rows to rank many half-trained models well.
 */
import { createRandom } from '../trees/random';
import type { Task } from '../prep/target';
import type { Domain, ModelFamily, Params } from './families';

export interface Suggestion {
	family: ModelFamily;
	params: Params;
	/** 'start' for a family's starting configuration, 'local' for a search step. */
	origin: 'start' | 'local';
}

interface FamilyState {
	family: ModelFamily;
	/** Where the local search stands, and its score (NaN right after a restart). */
	incumbent: Params | null;
	incumbentScore: number;
	/** The family's best score ever, to rank families. */
	bestScore: number;
	step: number;
	/** The last direction tried, to try its opposite after a failure. */
	direction: Map<string, number> | null;
	failures: number;
	tried: Set<string>;
}

const MIN_STEP = 0.03;

function toUnit(domain: Domain, value: number | string): number {
	if (domain.type === 'choice')
		return domain.values.length > 1 ? domain.values.indexOf(value) / (domain.values.length - 1) : 0;
	const v = Number(value);
	if (domain.log)
		return (Math.log(v) - Math.log(domain.low)) / (Math.log(domain.high) - Math.log(domain.low));
	return (v - domain.low) / (domain.high - domain.low);
}

function fromUnit(domain: Domain, unit: number): number | string {
	const u = Math.min(1, Math.max(0, unit));
	if (domain.type === 'choice') return domain.values[Math.round(u * (domain.values.length - 1))];
	const v = domain.log
		? Math.exp(Math.log(domain.low) + u * (Math.log(domain.high) - Math.log(domain.low)))
		: domain.low + u * (domain.high - domain.low);
	if (domain.type === 'int') return Math.round(v);
	if (domain.step) return Number((Math.round(v / domain.step) * domain.step).toPrecision(4));
	return Number(v.toPrecision(4));
}

export class LocalSearch {
	private readonly states: FamilyState[];
	private readonly pending: Suggestion[] = [];
	private readonly random: () => number;
	private proposals = 0;

	constructor(
		families: ModelFamily[],
		rows: number,
		task: Task,
		features: number,
		seed: number,
		private readonly higherIsBetter: boolean
	) {
		this.random = createRandom(seed + 7919);
		const ordered = [...families].sort((a, b) => a.cost - b.cost);
		this.states = ordered.map((family) => ({
			family,
			incumbent: null,
			incumbentScore: NaN,
			bestScore: NaN,
			step: 0.25,
			direction: null,
			failures: 0,
			tried: new Set()
		}));
		// Each family's first start, then the remaining starts.
		const starts = ordered.map((f) => f.starts(rows, task, features));
		const depth = Math.max(...starts.map((s) => s.length));
		for (let d = 0; d < depth; d++)
			ordered.forEach((family, i) => {
				if (starts[i][d]) this.pending.push({ family, params: starts[i][d], origin: 'start' });
			});
	}

	private better(a: number, b: number): boolean {
		if (Number.isNaN(a)) return false;
		if (Number.isNaN(b)) return true;
		return this.higherIsBetter ? a > b : a < b;
	}

	/**
	 * The next configuration. Local steps go to the best family two times in three, the others in turn; a family
	 * whose search has converged (smallest step, repeated failures, or only repeats left) is skipped, and when
	 * every family has converged one restarts from a random point of its space, so the budget is never idle.
	 */
	suggest(): Suggestion | null {
		const next = this.pending.shift();
		if (next) {
			this.stateOf(next.family).tried.add(JSON.stringify(next.params));
			return next;
		}
		const candidates = this.states.filter((s) => s.incumbent);
		if (candidates.length === 0) return null;
		const ranked = [...candidates].sort((a, b) => (this.better(a.bestScore, b.bestScore) ? -1 : 1));
		this.proposals++;
		const first =
			ranked.length === 1 || this.proposals % 3 !== 0
				? 0
				: 1 + (Math.floor(this.proposals / 3) % (ranked.length - 1));
		const order = [ranked[first], ...ranked.filter((_, i) => i !== first)];
		for (const state of order) {
			if (state.step <= MIN_STEP && state.failures >= 4) continue;
			const suggestion = this.localStep(state);
			if (suggestion) return suggestion;
		}
		for (const state of order) {
			const restart = this.restart(state);
			if (restart) return restart;
		}
		return null;
	}

	private localStep(state: FamilyState): Suggestion | null {
		for (let attempt = 0; attempt < 20; attempt++) {
			const params = this.step(state);
			const key = JSON.stringify(params);
			if (!state.tried.has(key)) {
				state.tried.add(key);
				return { family: state.family, params, origin: 'local' };
			}
			state.direction = null; // a repeat: draw a fresh direction
			state.step = Math.min(0.5, state.step * 1.5);
		}
		state.step = MIN_STEP;
		state.failures = Math.max(state.failures, 4);
		return null;
	}

	private restart(state: FamilyState): Suggestion | null {
		const space = state.family.space;
		for (let attempt = 0; attempt < 20; attempt++) {
			const params: Params = {};
			for (const [key, domain] of Object.entries(space)) params[key] = fromUnit(domain, this.random());
			const key = JSON.stringify(params);
			if (state.tried.has(key)) continue;
			state.tried.add(key);
			state.incumbent = params;
			state.incumbentScore = NaN;
			state.step = 0.25;
			state.failures = 0;
			state.direction = null;
			return { family: state.family, params, origin: 'local' };
		}
		return null;
	}

	private step(state: FamilyState): Params {
		const space = state.family.space;
		const keys = Object.keys(space);
		let direction = state.direction;
		if (direction && state.failures % 2 === 1) {
			// The last step failed: try the opposite way.
			direction = new Map([...direction].map(([k, v]) => [k, -v]));
		} else {
			const raw = keys.map(() => this.random() * 2 - 1);
			const norm = Math.hypot(...raw) || 1;
			direction = new Map(keys.map((k, i) => [k, raw[i] / norm]));
		}
		state.direction = direction;
		const params: Params = { ...state.incumbent! };
		for (const key of keys) {
			const domain = space[key];
			params[key] = fromUnit(
				domain,
				toUnit(domain, state.incumbent![key]) + state.step * direction.get(key)!
			);
		}
		return params;
	}

	private stateOf(family: ModelFamily): FamilyState {
		return this.states.find((s) => s.family === family)!;
	}

	onTrialComplete(suggestion: Suggestion, score: number): void {
		const state = this.stateOf(suggestion.family);
		if (this.better(score, state.bestScore)) state.bestScore = score;
		if (!state.incumbent || this.better(score, state.incumbentScore) || Number.isNaN(state.incumbentScore)) {
			if (suggestion.origin === 'local' && state.incumbent && !Number.isNaN(state.incumbentScore))
				state.failures = 0;
			state.incumbent = suggestion.params;
			state.incumbentScore = Number.isNaN(score) ? state.incumbentScore : score;
			return;
		}
		if (suggestion.origin === 'local') {
			state.failures++;
			if (state.failures % 2 === 0) state.step = Math.max(MIN_STEP, state.step / 2);
		}
	}
}
