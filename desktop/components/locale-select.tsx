import { LOCALES, locale, setLocale, t } from '../i18n/index.ts';

export function LocaleSelect() {
  return (
    <label class="locale-select">
      <span class="visually-hidden">{t('locale.label')}</span>
      <select
        data-testid="locale-select"
        value={locale.value}
        onChange={(event) => setLocale((event.currentTarget as HTMLSelectElement).value as (typeof LOCALES)[number])}
      >
        {LOCALES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`locale.${code}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
