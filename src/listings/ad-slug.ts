/** Readable ad paths such as /chicago/housing/sunny-1br-near-the-lake-8123: the id at the end is what counts. */
export function titleSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug || 'ad';
}

export function adPath(ad: { id: number; title: string }, citySlug: string, categorySlug: string): string {
  return `/${citySlug}/${categorySlug}/${titleSlug(ad.title)}-${ad.id}`;
}

/** The id from the last path segment, or null when the segment does not end in one. */
export function idFromAdSegment(segment: string): number | null {
  const m = /(?:^|-)(\d{1,15})$/.exec(segment);
  return m ? Number(m[1]) : null;
}
