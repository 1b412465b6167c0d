/** Classes in a target of class indices 0..k-1: the largest index + 1 (classes absent from a fold still count). */
export function classCountOf(y: Float64Array): number {
	let max = 0;
	for (let i = 0; i < y.length; i++) max = Math.max(max, y[i]);
	return max + 1;
}
