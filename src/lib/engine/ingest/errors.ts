export type IngestErrorCode =
	| 'empty_file'
	| 'no_data_rows'
	| 'not_text'
	| 'bad_encoding'
	| 'unclosed_quote'
	| 'invalid_quote'
	| 'bad_delimiter'
	| 'too_many_fields'
	| 'too_many_columns'
	| 'cell_too_large'
	| 'file_too_large'
	| 'not_xlsx'
	| 'unsafe_archive'
	| 'sheet_not_found'
	| 'unsupported_format';

export interface IngestErrorLocation {
	file?: string;
	/** 1-based data row (the header is row 0). */
	row?: number;
	column?: string;
}

/** A problem with the user's file, worded for the user, with where it is. */
export class IngestError extends Error {
	constructor(
		readonly code: IngestErrorCode,
		message: string,
		readonly location: IngestErrorLocation = {}
	) {
		super(message);
		this.name = 'IngestError';
	}
}
