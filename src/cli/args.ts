export interface ParsedArgs {
	positional: string[];
	flags: Map<string, string | true>;
}

/** `--name value`, `--name=value` and bare `--switch` flags; everything else is positional. */
export function parseArgs(argv: string[], switches: ReadonlySet<string>): ParsedArgs {
	const positional: string[] = [];
	const flags = new Map<string, string | true>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (!arg.startsWith('--')) {
			positional.push(arg);
			continue;
		}
		const eq = arg.indexOf('=');
		const name = arg.slice(2, eq < 0 ? undefined : eq);
		if (eq >= 0) flags.set(name, arg.slice(eq + 1));
		else if (switches.has(name)) flags.set(name, true);
		else {
			const value = argv[i + 1];
			if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
			flags.set(name, value);
			i++;
		}
	}
	return { positional, flags };
}

export class UsageError extends Error {}
