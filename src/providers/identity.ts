/**
 * Per-source identity mapping: which viewer attribute stands for the viewer upstream (the Dify
 * `user`, the REST `sender_id` that marks ownership). Shared by the adapters so every source
 * reads an attribute the same way.
 */
import { z } from 'zod';
import type { Viewer } from '../core/records.js';

/** A viewer attribute a source can key its users by. */
export const viewerAttributeSchema = z.enum(['id', 'email']);
export type ViewerAttribute = z.infer<typeof viewerAttributeSchema>;

/**
 * The value of `attribute` for `viewer`: the id as given; the email trimmed and lower-cased (so
 * one mailbox is one identity however the issuer spells it).
 * @returns null when the viewer has no such attribute; the caller then shows nothing, never
 *   falling back to another attribute (an id that looks like someone's email must not match it)
 */
export function viewerAttribute(viewer: Viewer, attribute: ViewerAttribute = 'id'): string | null {
  if (attribute !== 'email') return viewer.id;
  const email = viewer.email?.trim().toLowerCase();
  return email ? email : null;
}
