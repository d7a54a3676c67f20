import { z } from 'zod';
import { MAX_MESSAGE_LENGTH, type CollectField } from '../../../protocol/index.ts';

/**
 * Validation of a collected field. Returns the value to store (trimmed) or null
 * when the visitor must be asked again. Phones: optional +, 6–15 digits, with
 * the usual separators (spaces, dots, dashes, parentheses).
 */
const Email = z.email().max(254);
const PHONE = /^\+?[\d\s().-]+$/;

export function validateField(field: CollectField, raw: string): string | null {
  const value = raw.trim().replace(/\s+/g, ' ');
  if (!value) return null;
  switch (field) {
    case 'email':
      return Email.safeParse(value).success ? value : null;
    case 'phone': {
      const digits = value.replace(/\D/g, '').length;
      return PHONE.test(value) && digits >= 6 && digits <= 15 ? value : null;
    }
    case 'name':
      return value.length <= 100 ? value : null;
    case 'text':
      return value.length <= MAX_MESSAGE_LENGTH ? value : null;
  }
}
