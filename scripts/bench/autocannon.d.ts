/** The part of autocannon's API the serving benchmark uses (the package ships no types). */
declare module 'autocannon' {
	interface Histogram {
		average: number;
		mean: number;
		p50: number;
		p99: number;
		max: number;
		total: number;
	}
	interface Result {
		requests: Histogram;
		latency: Histogram;
		throughput: Histogram;
		errors: number;
		timeouts: number;
		non2xx: number;
		'2xx': number;
		duration: number;
	}
	interface Options {
		url: string;
		method?: string;
		headers?: Record<string, string>;
		body?: string;
		connections?: number;
		pipelining?: number;
		duration?: number;
		workers?: number;
	}
	function autocannon(options: Options): Promise<Result>;
	export default autocannon;
}
