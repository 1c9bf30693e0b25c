/** Column types the schema files share. */
import { customType, timestamp } from 'drizzle-orm/pg-core';

export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
