/** A day off on the working-day clock. */
export interface Holiday {
  date: string; // YYYY-MM-DD, Asia/Jakarta calendar
  nameId: string;
  nameEn: string;
}
