import type { SearchField } from '@conveyor/core';
import { useQuery } from '@tanstack/react-query';
import { api } from './api.ts';

/** The registry's jobs and their searchable fields, once per page load. */
export function useCatalog() {
  const query = useQuery({
    queryKey: ['catalog'],
    queryFn: () => api.catalog.list.query(),
    staleTime: Infinity,
  });
  const jobs = query.data ?? [];
  const fieldsOf = (name: string): readonly SearchField[] =>
    jobs.find((j) => j.name === name)?.searchFields ?? [];
  return { jobs, fieldsOf, error: query.error };
}
