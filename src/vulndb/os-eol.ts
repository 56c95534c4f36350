import { lookupTable } from '../core/lookup-table.js';

/**
 * When each operating system release stops receiving security updates without a paid extension:
 * for Debian, the end of its LTS (https://wiki.debian.org/LTS); for Ubuntu, the end of standard
 * support (https://ubuntu.com/about/release-cycle; ESM needs Ubuntu Pro); for Alpine, the end of the
 * `main` repository's support (https://alpinelinux.org/releases/); for RHEL and its rebuilds, the end
 * of maintenance support (https://access.redhat.com/support/policy/updates/errata); Amazon Linux
 * (https://aws.amazon.com/amazon-linux-2/faqs/); Fedora (https://docs.fedoraproject.org/en-US/releases/eol/).
 * Dates as the vendors publish them, gathered through https://endoflife.date on 2026-12-04; a release
 * missing here has no known end.
 */
export const OS_END_OF_LIFE: Readonly<Record<string, Readonly<Record<string, string>>>> = releaseTables({
  debian: {
    '7': '2018-05-31',
    '8': '2020-06-30',
    '9': '2022-06-30',
    '10': '2024-06-30',
    '11': '2026-08-31',
    '12': '2028-06-30',
    '13': '2030-06-30',
  },
  ubuntu: {
    '14.04': '2019-04-30',
    '16.04': '2021-04-30',
    '18.04': '2023-05-31',
    '20.04': '2025-05-31',
    '22.04': '2027-06-01',
    '24.04': '2029-05-31',
    '22.10': '2023-07-20',
    '23.04': '2024-01-25',
    '23.10': '2024-07-11',
    '24.10': '2025-07-10',
    '25.04': '2026-01-15',
  },
  alpine: {
    '3.10': '2021-05-01',
    '3.11': '2021-11-01',
    '3.12': '2022-05-01',
    '3.13': '2022-11-01',
    '3.14': '2023-05-01',
    '3.15': '2023-11-01',
    '3.16': '2024-05-23',
    '3.17': '2024-11-22',
    '3.18': '2025-05-09',
    '3.19': '2025-11-01',
    '3.20': '2026-04-01',
    '3.21': '2026-11-01',
    '3.22': '2027-05-01',
  },
  rhel: { '6': '2020-11-30', '7': '2024-06-30', '8': '2029-05-31', '9': '2032-05-31' },
  rocky: { '8': '2029-05-31', '9': '2032-05-31' },
  almalinux: { '8': '2029-03-01', '9': '2032-05-31' },
  centos: { '6': '2020-11-30', '7': '2024-06-30', '8': '2021-12-31' },
  amzn: { '2018.03': '2023-12-31', '2': '2026-06-30', '2023': '2029-06-30' },
  fedora: { '37': '2023-12-05', '38': '2024-05-21', '39': '2024-11-26', '40': '2025-05-13', '41': '2025-12-15' },
});

/** Read with an os-release `ID` and a version from the scanned image: no table inherits Object's members. */
function releaseTables(byId: Record<string, Record<string, string>>): Readonly<Record<string, Readonly<Record<string, string>>>> {
  const tables: Record<string, Readonly<Record<string, string>>> = {};
  for (const [id, releases] of Object.entries(byId)) tables[id] = lookupTable(releases);
  return lookupTable(tables);
}

export interface EndOfLife {
  /** `YYYY-MM-DD` */
  date: string;
  /** True when the date is on or before `today`. */
  ended: boolean;
}

/** The release key of the table for an os-release `ID` and `VERSION_ID` (Debian and RHEL by major version, Ubuntu and Alpine by major.minor). */
function releaseKey(id: string, versionId: string): string | undefined {
  if (id === 'ubuntu' || id === 'alpine') return /^(\d+\.\d+)/.exec(versionId)?.[1];
  if (id === 'amzn') return versionId === '2018.03' ? versionId : /^(\d+)/.exec(versionId)?.[1];
  return /^(\d+)/.exec(versionId)?.[1];
}

/** The end of life of a release, when the table knows it. */
export function endOfLife(id: string, versionId: string | undefined, today: string): EndOfLife | undefined {
  if (!versionId) return undefined;
  const key = releaseKey(id, versionId);
  const date = key ? OS_END_OF_LIFE[id]?.[key] : undefined;
  return date ? { date, ended: date <= today } : undefined;
}
