-- The working file of a case (issue 13): the initial assessment (asesmen awal) and the in-depth
-- assessment (asesmen mendalam), each a series of versions. Every save is a new row; nothing is
-- updated or deleted, so an earlier version stays readable. The whole content of a version is one
-- JSON document encrypted with the field cipher (context case_assessments.body:<case>:<kind>:<version>);
-- only the codes that say which document it is, who wrote it and when stay plain. When retention
-- purges a closed case, its assessments go with it (ON DELETE CASCADE).
CREATE TABLE case_assessments (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('initial', 'in_depth')),
  version INTEGER NOT NULL CHECK (version >= 1),
  body_enc TEXT NOT NULL,
  created_by INTEGER REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  UNIQUE (case_id, kind, version)
) STRICT;

-- The supervisors' lists of risk and protective factors the initial assessment checks. A factor is
-- about no one, so its labels are plain. A retired factor is no longer offered, but an assessment
-- that checked it still shows its label; factors are never deleted.
CREATE TABLE assessment_factors (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('risk', 'protective')),
  label_id TEXT NOT NULL,
  label_en TEXT NOT NULL,
  position INTEGER NOT NULL,
  retired_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX assessment_factors_kind ON assessment_factors (kind, position, id);

INSERT INTO assessment_factors (kind, label_id, label_en, position, created_at, updated_at) VALUES
('risk', 'Ada kekerasan di dalam rumah', 'Violence in the home', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Penyalahgunaan alkohol atau narkoba', 'Alcohol or drug misuse', 2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Pernah dilaporkan sebelumnya', 'Reported before', 3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Keluarga terasing, tanpa dukungan di sekitarnya', 'The family is isolated, with no support nearby', 4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Anak putus sekolah atau sering tidak masuk', 'A child is out of school or often absent', 5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Kesulitan ekonomi yang berat', 'Severe money problems', 6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Masalah kesehatan jiwa yang belum ditangani', 'A mental health problem that is not being treated', 7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('risk', 'Pelaku masih tinggal serumah atau mudah menjangkau korban', 'The person causing harm still lives in the home or can easily reach the victim', 8, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Ada kerabat yang mendukung', 'A supportive relative', 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Penghasilan keluarga cukup dan tetap', 'A steady, sufficient family income', 2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Anak tetap bersekolah', 'The children attend school', 3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Keluarga bersedia bekerja sama', 'The family is willing to take part', 4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Ada tokoh masyarakat atau agama yang peduli', 'A caring community or religious figure', 5, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Terhubung dengan layanan kesehatan atau puskesmas', 'In touch with health services or the puskesmas', 6, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
('protective', 'Orang tua atau pengasuh mampu menjaga anak tetap aman', 'A parent or carer is able to keep the children safe', 7, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
