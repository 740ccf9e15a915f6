-- Saved replies: a supervisor's short list of message templates, each in both languages, that triage
-- inserts (and edits) when asking a reporter or answering a department. A template is about no one,
-- so it is stored plain; every change is in the audit log (saved_reply.*).
CREATE TABLE saved_replies (
  id INTEGER PRIMARY KEY,
  title_id TEXT NOT NULL,
  title_en TEXT NOT NULL,
  body_id TEXT NOT NULL,
  body_en TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;

-- Three to start from; the office edits or deletes them at /staff/replies.
INSERT INTO saved_replies (title_id, title_en, body_id, body_en, created_at, updated_at) VALUES
(
  'Menanyakan lokasi',
  'Asking for the location',
  'Terima kasih sudah menghubungi kami. Agar petugas kami dapat segera membantu, mohon beri tahu lokasi yang lebih jelas: nama jalan atau gang, patokan terdekat (misalnya masjid, sekolah, atau warung), serta kelurahannya. Jika Anda tidak yakin, ceritakan saja sebisanya. Setiap keterangan sangat membantu.',
  'Thank you for getting in touch. So that our staff can help quickly, please tell us the location more precisely: the street or lane, a landmark nearby (a mosque, a school or a shop, for example) and the kelurahan. If you are not sure, tell us what you can. Every detail helps.',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
),
(
  'Menjelaskan pengalihan',
  'Explaining a redirect',
  'Terima kasih atas laporan Anda. Setelah kami pelajari, lembaga yang paling tepat menangani masalah ini adalah lembaga mitra kami, karena merekalah yang memiliki kewenangan dan layanan untuk itu. Laporan Anda sudah kami teruskan kepada mereka, dan Anda juga dapat menghubungi mereka langsung. Kami tetap siap membantu bila Anda membutuhkan.',
  'Thank you for your report. Having looked at it, the institution best placed to handle this is one of our partners, because the mandate and the services for it are theirs. We have passed your report on to them, and you can also contact them directly. We are still here if you need us.',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
),
(
  'Menanyakan waktu aman untuk menelepon',
  'Asking for a safe time to call',
  'Kami ingin berbicara langsung dengan Anda. Kapan waktu yang aman bagi Anda untuk kami telepon? Mohon sebutkan juga nomor yang sebaiknya kami hubungi, dan apakah kami boleh meninggalkan pesan bila Anda tidak dapat mengangkat. Keselamatan Anda yang utama: jika saat ini tidak aman, cukup balas kapan saja Anda sempat.',
  'We would like to speak with you directly. When is a safe time for us to call you? Please tell us which number to use, and whether we may leave a message if you cannot answer. Your safety comes first: if now is not a safe time, just reply whenever you can.',
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
);
