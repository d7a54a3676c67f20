/** What the config check reports: a problem stops the check with exit status 1, a warning does not. */
export interface Problem {
  level: 'error' | 'warning';
  /** The setting (or thing) concerned, e.g. `SECRET`, `DATABASE_URL`, `attachments`. */
  setting: string;
  message: string;
}

export const error = (setting: string, message: string): Problem => ({ level: 'error', setting, message });
export const warning = (setting: string, message: string): Problem => ({ level: 'warning', setting, message });
