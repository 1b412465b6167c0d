import { fail, redirect } from '@sveltejs/kit';
import { appDb } from '$lib/server/app-db';
import { readCsv } from '$lib/engine/ingest/read-csv';
import { bufferChunks } from '$lib/engine/ingest/sources';
import { SAMPLE_DATASETS } from '$lib/engine/samples/samples';
import { listDatasets, saveDataset } from '$lib/server/datasets/store';
import { maxUploadBytes } from '$lib/server/datasets/upload';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => ({
	datasets: await listDatasets(appDb(), locals.user!.id),
	samples: SAMPLE_DATASETS.map(({ id, name, description }) => ({ id, name, description })),
	maxUploadBytes: maxUploadBytes()
});

export const actions: Actions = {
	loadSample: async ({ request, locals }) => {
		const form = await request.formData();
		const sample = SAMPLE_DATASETS.find((s) => s.id === form.get('sample'));
		if (!sample) return fail(400, { error: 'Unknown sample dataset.' });
		const csv = sample.csv();
		const result = await readCsv(bufferChunks(csv, 1 << 20), { fileName: sample.fileName });
		const dataset = await saveDataset(appDb(), locals.user!.id, {
			name: sample.name,
			fileName: sample.fileName,
			sizeBytes: Buffer.byteLength(csv),
			result
		});
		redirect(303, `/datasets/${dataset.id}`);
	}
};
