/**
 * The eval's file inputs: `<data>/ground_truth.csv`, `<data>/hf_license_map.csv` and the recorded
 * Hugging Face responses (`*.body.json`, default `<data>/../hub-fixtures/huggingface`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../lib/project-root.js';
import { parseCsvRecords } from './csv.js';
import { hfLicenseIdsFromMap, referenceModelsFromRows, type EvalInput } from './eval.js';
import { isRecord } from './reference.types.js';

/** `../shared/data/openness-reference`, relative to the repository root. */
export const DEFAULT_REFERENCE_DATA_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'data', 'openness-reference');

export class EvalDataError extends Error {
  override readonly name = 'EvalDataError';
}

export function defaultHubResponsesDir(dataDir: string): string {
  return resolve(dataDir, '..', 'hub-fixtures', 'huggingface');
}

/** Recorded `GET /api/models/{repo}` bodies, by their `id` (lowercase). A missing directory is an empty map. */
export function loadHubResponses(dir: string): Map<string, unknown> {
  const responses = new Map<string, unknown>();
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return responses;
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.body.json')) continue;
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch {
      continue;
    }
    if (isRecord(body) && typeof body.id === 'string') responses.set(body.id.toLowerCase(), body);
  }
  return responses;
}

export function loadEvalInput(dataDir: string, hubResponsesDir: string = defaultHubResponsesDir(dataDir)): EvalInput {
  if (!existsSync(dataDir) || !statSync(dataDir).isDirectory()) {
    throw new EvalDataError(`reference data directory not found: ${dataDir}`);
  }
  const groundTruthFile = join(dataDir, 'ground_truth.csv');
  if (!existsSync(groundTruthFile)) throw new EvalDataError(`${groundTruthFile} not found`);
  const { records } = parseCsvRecords(readFileSync(groundTruthFile, 'utf8'));
  const licenseMapFile = join(dataDir, 'hf_license_map.csv');
  const licenseMap = existsSync(licenseMapFile) ? parseCsvRecords(readFileSync(licenseMapFile, 'utf8')).records : [];
  const { models, withoutRepoId } = referenceModelsFromRows(records);
  return {
    models,
    withoutRepoId,
    hfLicenseIds: hfLicenseIdsFromMap(licenseMap),
    hubResponses: loadHubResponses(hubResponsesDir),
  };
}
