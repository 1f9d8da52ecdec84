// Passwords that appear at the top of every public breach list and that pass a 12-character
// minimum, compared case-insensitively. Shorter classics are listed too so the rule still holds
// if the minimum is ever lowered. Shared with the browser so the hint shows as you type.
const LIST = `
123456789012 1234567890123 12345678901234 123456789000 1234567890qwerty 1q2w3e4r5t6y 1q2w3e4r5t6y7u
1qaz2wsx3edc 1qaz2wsx3edc4rfv qwertyuiop123 qwertyuiopasdf qwertyuiopasdfghjkl qwerty123456 qwerty1234567
qwertyqwerty 123qweasdzxc 123qwe123qwe asdfghjkl123 asdfasdfasdf zxcvbnm123456 zaq12wsxcde3 password1234
password12345 password123456 password1234567 passwordpassword password!123 password@123 p@ssw0rd1234
p@ssword1234 passw0rd1234 mypassword123 mypassword1234 letmein12345 letmein123456 iloveyou1234 iloveyou12345
welcome12345 welcome123456 welcome@1234 admin1234567 administrator administrator1 administrator123
changeme1234 changeme12345 abcdefghijkl abcdefghijklm abcd12345678 abc123456789 abcdef123456 aaaaaaaaaaaa
111111111111 000000000000 987654321098 0987654321qwerty football1234 baseball1234 basketball123 superman1234
batman123456 starwars1234 princess1234 sunshine1234 monkey123456 dragon123456 master123456 shadow123456
trustno1trustno1 michael12345 jennifer1234 computer1234 internet1234 whatever1234 qwertyuiop12 azertyuiop12
azertyuiop123 azerty123456 motdepasse12 motdepasse123 motdepasse1234 bonjour12345 soleil123456 tunisie12345
tunisia12345 tekup1234567 tekupchat123 tekup_chat123 correcthorsebatterystaple 1234567890 123456789 12345678
password qwerty123 iloveyou admin123 letmein welcome
`;

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));

/** True when the password is on the list, or is one character or one short block repeated. */
export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (COMMON_PASSWORDS.has(p)) return true;
  // "abcabcabcabc", "aaaaaaaaaaaa", "121212121212": a block of 1–4 characters repeated.
  return /^(.{1,4})\1+$/su.test(p);
}
