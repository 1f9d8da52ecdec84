// Certificate profiles are data (certs/profiles.json); this module gives them a type.
import profilesJson from '../../certs/profiles.json' with { type: 'json' };
import type { JsonName } from '@peculiar/x509';

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';
export type ExtKeyUsageName = 'clientAuth' | 'emailProtection' | 'serverAuth';

export interface CaProfile {
  subject: JsonName;
  keyBits: number;
  days: number;
  pathLength: number;
  keyUsage: KeyUsageName[];
}
export interface LeafProfile {
  days: number;
  keyUsage: KeyUsageName[];
  extKeyUsage: ExtKeyUsageName[];
}
export interface Profiles {
  root: CaProfile;
  intermediate: CaProfile;
  user: LeafProfile & { minKeyBits: number };
  server: LeafProfile & { keyBits: number };
  crl: { hours: number };
}

export const PROFILES: Profiles = profilesJson as unknown as Profiles;
