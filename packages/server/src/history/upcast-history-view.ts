import {
  guessStoredVersion,
  payloadView,
  redactSealed,
  resultView,
  type AnyRegistry,
} from '@conveyor/core';
import type { HistoryJobView } from '@conveyor/history';

/**
 * A history row's payload as `jobs.get` shows a live job's: upcast to what
 * this contract's processor would receive, with the version it was
 * recorded with. A row that did not record its version is read as the
 * current version when it fits the current schema, else as version 1 (the
 * only payloads written before versions were recorded).
 */
export function upcastHistoryView(
  view: HistoryJobView,
  registry: AnyRegistry,
): HistoryJobView {
  const job = registry.get(view.name);
  // Sealed (`sensitive()`) values show as `[sensitive]` in every history read.
  const result = resultView(job, view.result);
  if (!job) return { ...view, data: redactSealed(view.data), result };
  if (view.data === null) return { ...view, result };
  const stored = view.storedVersion ?? guessStoredVersion(job, view.data);
  const shown = payloadView(job, view.data, stored);
  const { storedVersion: _recorded, ...rest } = view;
  return {
    ...rest,
    data: shown.data,
    result,
    ...(shown.dataError === null ? {} : { dataError: shown.dataError }),
    ...(shown.payloadVersion ? { payloadVersion: shown.payloadVersion } : {}),
  };
}
