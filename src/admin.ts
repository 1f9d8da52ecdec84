// `tekup-chat admin …`: the operator's command line (grows with the certificate life cycle).
export async function adminCommand(argv: string[]): Promise<number> {
  console.error(`tekup-chat admin: unknown command "${argv[0] ?? ''}".`);
  return 2;
}
