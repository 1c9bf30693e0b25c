/**
 * Storage for template grouping. Deliberately tiny so a database-backed store is easy to write:
 * LSH buckets, signatures and group membership, nothing else.
 */

export interface TemplateStore {
  /** Ad ids in an LSH bucket; at most `limit`, most recent last. */
  getBucket(bandKey: string, limit: number): readonly string[];
  addToBucket(bandKey: string, adId: string): void;
  getSignature(adId: string): Uint32Array | undefined;
  setSignature(adId: string, signature: Uint32Array): void;
  getGroup(adId: string): string | undefined;
  setGroup(adId: string, groupId: string): void;
  /** Members of a group; at most `limit`. */
  groupMembers(groupId: string, limit: number): readonly string[];
  groupSize(groupId: string): number;
}

export class InMemoryTemplateStore implements TemplateStore {
  private readonly buckets = new Map<string, string[]>();
  private readonly signatures = new Map<string, Uint32Array>();
  private readonly groups = new Map<string, string>();
  private readonly members = new Map<string, string[]>();

  getBucket(bandKey: string, limit: number): readonly string[] {
    const list = this.buckets.get(bandKey);
    if (!list) return [];
    return list.length <= limit ? list : list.slice(list.length - limit);
  }

  addToBucket(bandKey: string, adId: string): void {
    const list = this.buckets.get(bandKey);
    if (list) list.push(adId);
    else this.buckets.set(bandKey, [adId]);
  }

  getSignature(adId: string): Uint32Array | undefined {
    return this.signatures.get(adId);
  }

  setSignature(adId: string, signature: Uint32Array): void {
    this.signatures.set(adId, signature);
  }

  getGroup(adId: string): string | undefined {
    return this.groups.get(adId);
  }

  setGroup(adId: string, groupId: string): void {
    const old = this.groups.get(adId);
    if (old === groupId) return;
    if (old) this.members.set(old, (this.members.get(old) ?? []).filter((m) => m !== adId));
    this.groups.set(adId, groupId);
    const list = this.members.get(groupId);
    if (list) list.push(adId);
    else this.members.set(groupId, [adId]);
  }

  groupMembers(groupId: string, limit: number): readonly string[] {
    const list = this.members.get(groupId) ?? [];
    return list.length <= limit ? list : list.slice(0, limit);
  }

  groupSize(groupId: string): number {
    return this.members.get(groupId)?.length ?? 0;
  }
}
