// open_ids and union_ids of the test seed's users, computed once (2026-12-02) from the derivation
// then in use and pinned here: users' own systems store these IDs, so they must never change
// between releases. A change of derivation fails every suite that resolves an ID.

/** app_id, tenant_key, user_id → open_id. */
export const KNOWN_OPEN_IDS: Readonly<Record<string, string>> = {
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u001': 'ou_f6f22d3f2cc3ebafb8233e8c8ec9b79b',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u002': 'ou_f3888baf5af7ef168ef9060aec58c1e4',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u003': 'ou_27e7279564cfe3c9828a987741077b75',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u004': 'ou_b3a3688a93adf0a1747e477a0ac95659',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u005': 'ou_01112025ae741fb8d4647262eaf895ed',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 u006': 'ou_53c1328198244685868b2bcdbe89f3ca',
  'cli_acme0000000000001 aaaaaaaaaaaaaaa1 nobody': 'ou_34de25ff0221da4eeb92f112d1424722',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u001': 'ou_bb4dd4f5911d7cd39b55ad6ab6240b03',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u002': 'ou_455caa38812fcf0c560cf7d665d41514',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u003': 'ou_d73c311df58dd7567160523527cbbe98',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u004': 'ou_774a9f67914ea693f9b93c1d662b3ae1',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u005': 'ou_499339766663ea2adc0376508596291d',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 u006': 'ou_61daf174948949603b67d2675f8884a4',
  'cli_acme0000000000002 aaaaaaaaaaaaaaa1 nobody': 'ou_ae976c03aa44d586ba62c1ee2d03e364',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u001': 'ou_70e21ca2eacb7c43fd22b78c73a68eee',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u002': 'ou_3116a5314e9daf7ec062993c257aa8df',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u003': 'ou_c305f47530e0f02ce7e90d49a6719c22',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u004': 'ou_ab2d29a76cdf376ee54c9b371e3d8b1c',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u005': 'ou_d4d7e989a9c18ae3e91af30cecb51a25',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 u006': 'ou_c02a78db55b2ed05fdc386e15dbcbb18',
  'cli_acme0000000000003 aaaaaaaaaaaaaaa1 nobody': 'ou_446c220d621b77c4cbcef882275ec681',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u001': 'ou_d388402c9d0a7a88196b77de963df3e9',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u002': 'ou_d8e345dcc69b0da71b61f473a6b38189',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u003': 'ou_49036d981534081ea56451e571251b0f',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u004': 'ou_46e515457c4e216c60d67f015c2b659a',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u005': 'ou_08afee356def4f1b2d50940c4b278358',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 u006': 'ou_5932b9872fb7e4ad2111ba7d306ed5b4',
  'cli_acmereader0000001 aaaaaaaaaaaaaaa1 nobody': 'ou_9d32ad1822005289125400337116fa54',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u001': 'ou_479b04dbec86c37b4cfe4bc4d42d9104',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u002': 'ou_78c1a2f451590188ba7539b847956bb1',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u003': 'ou_37b85f017d8161966d51fd65b579853e',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u004': 'ou_47bc09429f01b503c1fcd9d5535bea98',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u005': 'ou_05fe92d1e69980fa96908ab32c4f5d3a',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 u006': 'ou_2baa83c403f611d526d2c885d5681ddf',
  'cli_acmenarrow0000001 aaaaaaaaaaaaaaa1 nobody': 'ou_6a8ce29256eeaae9dc983eac131290c4',
  'cli_globex0000000001 bbbbbbbbbbbbbbb2 u001': 'ou_afad803d8712ce2f4f07403811a81cb5',
  'cli_globex0000000001 bbbbbbbbbbbbbbb2 g002': 'ou_4a72174bc52fa63a64706239cd12751e',
};

/** developer, tenant_key, user_id → union_id. */
export const KNOWN_UNION_IDS: Readonly<Record<string, string>> = {
  'acme aaaaaaaaaaaaaaa1 u001': 'on_8ca2760aba09275127e69599e6e845d2',
  'acme aaaaaaaaaaaaaaa1 u002': 'on_0d3fc52afa69c733d0b8c044c4a9b328',
  'acme aaaaaaaaaaaaaaa1 u003': 'on_96b345117bc89d37313f2fe9a53eda8c',
  'acme aaaaaaaaaaaaaaa1 u004': 'on_74cc4467a23de87b81863363aa1ca1da',
  'acme aaaaaaaaaaaaaaa1 u005': 'on_415b027d9024c371d6936efd6ef0ea5d',
  'acme aaaaaaaaaaaaaaa1 u006': 'on_3bb60a6a0c537adf301918924de11d4b',
  'acme aaaaaaaaaaaaaaa1 nobody': 'on_998aa301fa25ce7d9e6524bde4ee1c77',
  'someone-else aaaaaaaaaaaaaaa1 u001': 'on_6e24cf9c1f464f49637932c6b4d36884',
  'someone-else aaaaaaaaaaaaaaa1 u002': 'on_8cd7a974edc13c5114473c63d509afa0',
  'someone-else aaaaaaaaaaaaaaa1 u003': 'on_b9908659315eb6dec3906f01b9a7de13',
  'someone-else aaaaaaaaaaaaaaa1 u004': 'on_6c13e07a9bb936b4e5a92319de64539c',
  'someone-else aaaaaaaaaaaaaaa1 u005': 'on_50fd2a7f33de916ae047647b47dbd97a',
  'someone-else aaaaaaaaaaaaaaa1 u006': 'on_727b19b4ab24d1a829dc4a39b574142e',
  'someone-else aaaaaaaaaaaaaaa1 nobody': 'on_511cab1dd9637c4e8a9d1de2421d4d89',
  'isv aaaaaaaaaaaaaaa1 u001': 'on_4b0e35eb73cddffcb8e1d6314ab421bb',
  'isv aaaaaaaaaaaaaaa1 u002': 'on_2e84b84b9ed9e1a35fbfee5c16472c48',
  'isv aaaaaaaaaaaaaaa1 u003': 'on_55ad359b0c9c321fad74c15ae601b374',
  'isv aaaaaaaaaaaaaaa1 u004': 'on_8c0de41a0304dc7842164df28021d8e5',
  'isv aaaaaaaaaaaaaaa1 u005': 'on_8541f7eebbd20c27a2826918ff7954fb',
  'isv aaaaaaaaaaaaaaa1 u006': 'on_c52d13e14569693a80021f55b6c87bdd',
  'isv aaaaaaaaaaaaaaa1 nobody': 'on_a728a8dc74adbbf4ce0c27a2bacf987f',
  'acme bbbbbbbbbbbbbbb2 u001': 'on_8cfa6f5583226be9c16b57e8dd83b8ed',
  'acme bbbbbbbbbbbbbbb2 g002': 'on_331008d5170d43d3364c23e2e7f96d1a',
};

const known = (table: Readonly<Record<string, string>>, kind: string, key: string) => {
  const id = table[key];
  if (!id) throw new Error(`no pinned ${kind} for ${key}: add it to test/helpers/known-ids.ts`);
  return id;
};

export const openIdOf = (appId: string, tenantKey: string, userId: string) => known(KNOWN_OPEN_IDS, 'open_id', `${appId} ${tenantKey} ${userId}`);
export const unionIdOf = (developer: string, tenantKey: string, userId: string) =>
  known(KNOWN_UNION_IDS, 'union_id', `${developer} ${tenantKey} ${userId}`);
