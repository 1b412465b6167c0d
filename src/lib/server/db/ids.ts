const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a well-formed UUID: ids from URLs are checked before they reach a `uuid` column (which would throw). */
export function isUuid(id: string): boolean {
	return UUID.test(id);
}
