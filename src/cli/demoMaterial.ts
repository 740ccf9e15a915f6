import type { AffectedGroup, Category } from '../domain/reference';
import type { PartnerType } from '../domain/partners';

/**
 * What the seeded offices are made of (`npm run seed:demo`, and `npm run seed:bench`, which draws
 * its texts from the same lists): the kind of things residents, staff and departments of a family
 * welfare service in Padang write, in Indonesian. Invented people and places within real kecamatan
 * and kelurahan; nothing here is about anyone real.
 */

/** What a resident might write, by category, with the groups such a report usually concerns. */
export const narratives: Record<Category, { groups: AffectedGroup[]; texts: string[] }> = {
  physical_violence: {
    groups: ['woman', 'child'],
    texts: [
      'Hampir setiap malam terdengar teriakan dan suara barang dibanting dari rumah tetangga. Kemarin pagi saya melihat ibu di rumah itu memar di lengan dan pipi. Anak-anaknya yang masih SD terlihat ketakutan dan tidak mau pulang setelah sekolah.',
      'Adik ipar saya sering dipukul suaminya kalau suaminya pulang dalam keadaan marah. Dia tidak berani melapor karena takut diusir dan tidak punya penghasilan sendiri. Saya ingin dia mendapat pendampingan.',
      'Seorang anak laki-laki kelas 4 di lingkungan kami sering datang ke warung dengan bekas luka di kaki. Katanya dipukul pakai sapu oleh ayah tirinya kalau pulang terlambat.',
    ],
  },
  psychological_abuse: {
    groups: ['woman'],
    texts: [
      'Saya sudah sepuluh tahun menikah dan suami saya terus merendahkan saya di depan anak-anak dan keluarganya. Saya tidak boleh memegang uang, tidak boleh bertemu keluarga sendiri, dan telepon saya selalu diperiksa. Saya merasa tidak berharga lagi.',
      'Ibu mertua teman saya mengancam akan mengambil cucunya kalau teman saya tidak menuruti semua kemauannya. Teman saya sekarang sulit tidur dan sering menangis sendiri.',
    ],
  },
  sexual_violence: {
    groups: ['child', 'woman'],
    texts: [
      'Anak perempuan saya yang berumur 13 tahun bercerita bahwa seorang kerabat yang tinggal serumah sering masuk ke kamarnya malam hari dan menyentuhnya. Saya bingung harus berbuat apa dan takut keluarga besar tidak percaya.',
      'Seorang remaja putri di kos dekat rumah saya bercerita dipaksa oleh pacarnya dan sekarang diancam fotonya akan disebarkan. Dia takut bercerita kepada orang tuanya di kampung.',
    ],
  },
  neglect: {
    groups: ['child'],
    texts: [
      'Anak tetangga sering ditinggal sendirian berhari-hari tanpa makanan. Ibunya bekerja di luar kota dan ayahnya jarang pulang. Anak itu baru berumur enam tahun dan sudah beberapa minggu tidak sekolah.',
      'Tiga bersaudara di rumah kontrakan ujung gang tampak kurus dan tidak terurus. Yang paling kecil masih balita dan sering menangis kelaparan. Orang tuanya jarang terlihat.',
      'Seorang nenek tinggal sendirian di rumah yang atapnya bocor. Anak-anaknya merantau dan tidak pernah menjenguk. Beliau sudah sulit berjalan dan tetangga bergantian mengantar makanan.',
    ],
  },
  exploitation: {
    groups: ['child'],
    texts: [
      'Beberapa anak usia sekolah setiap hari disuruh mengemis di simpang lampu merah sampai malam. Ada seorang laki-laki dewasa yang mengantar dan menjemput mereka dan mengambil uangnya.',
      'Keponakan saya yang berumur 15 tahun bekerja di sebuah rumah makan dari pagi sampai tengah malam dan tidak sekolah lagi. Gajinya ditahan oleh pemilik dengan alasan utang.',
    ],
  },
  trafficking: {
    groups: ['woman'],
    texts: [
      'Anak gadis tetangga kami ditawari pekerjaan di luar negeri oleh seseorang yang tidak jelas agennya. Dokumennya sudah dipegang orang itu dan dia disuruh berangkat minggu depan tanpa kontrak.',
      'Seorang perempuan muda dari kampung kami menelepon ibunya sambil menangis. Katanya dia dikurung di sebuah rumah di luar kota dan tidak boleh pulang sebelum membayar utang biaya keberangkatan.',
    ],
  },
  family_conflict: {
    groups: ['family'],
    texts: [
      'Orang tua saya terus bertengkar soal warisan rumah dengan paman. Pertengkaran itu sudah sampai saling ancam dan adik-adik saya yang masih kecil selalu mendengarnya. Kami butuh bantuan untuk berbicara baik-baik.',
      'Saya dan suami sedang dalam proses berpisah dan terus bertengkar soal hak asuh anak. Anak kami yang berumur 9 tahun mulai murung dan nilainya turun.',
    ],
  },
  parenting_child_concerns: {
    groups: ['child'],
    texts: [
      'Anak saya yang berumur 14 tahun sering bolos dan pulang larut malam. Saya tidak tahu dia bergaul dengan siapa dan setiap kali saya tanya dia marah. Saya butuh saran bagaimana mendekatinya.',
      'Saya ibu tunggal dengan tiga anak. Anak kedua saya sering berkelahi di sekolah dan gurunya sudah memanggil saya berkali-kali. Saya kewalahan dan ingin konsultasi.',
    ],
  },
  child_marriage: {
    groups: ['child'],
    texts: [
      'Seorang anak perempuan kelas 2 SMP di lingkungan kami akan dinikahkan bulan depan dengan laki-laki yang jauh lebih tua. Keluarganya beralasan untuk meringankan beban ekonomi. Anak itu sendiri masih ingin sekolah.',
    ],
  },
  mental_health_crisis: {
    groups: ['adult_man'],
    texts: [
      'Kakak saya sudah berminggu-minggu tidak keluar kamar, tidak mau makan, dan beberapa kali berkata ingin mengakhiri hidupnya. Keluarga tidak tahu harus membawanya ke mana.',
      'Tetangga saya seorang bapak yang baru kehilangan pekerjaan sering berbicara sendiri dan marah-marah di jalan. Istrinya takut dan anak-anaknya tidak berani pulang.',
    ],
  },
  substance_use: {
    groups: ['adult_man', 'family'],
    texts: [
      'Suami saya sudah setahun memakai narkoba. Uang belanja habis dan barang-barang di rumah mulai dijual. Saya ingin dia berobat tetapi tidak tahu caranya dan takut dia ditangkap.',
      'Anak saya yang berumur 17 tahun ketahuan menghirup lem bersama teman-temannya di belakang pasar. Saya ingin dia mendapat pendampingan sebelum semakin parah.',
    ],
  },
  economic_hardship: {
    groups: ['family'],
    texts: [
      'Keluarga di sebelah rumah saya sudah tiga bulan tidak bisa membayar kontrakan sejak bapaknya sakit. Mereka punya empat anak dan sering tidak makan malam. Mereka belum terdaftar dalam bantuan sosial.',
      'Saya janda dengan dua anak dan baru kehilangan pekerjaan di toko. Saya tidak punya uang untuk biaya sekolah anak semester ini dan takut mereka harus berhenti sekolah.',
    ],
  },
  care_needs: {
    groups: ['older_person', 'disability'],
    texts: [
      'Ada seorang penyandang disabilitas di rumah sebelah yang dikurung di kamar belakang oleh keluarganya karena dianggap memalukan. Dia jarang dikeluarkan dan tidak pernah dibawa berobat.',
      'Ibu saya berumur 82 tahun dan sudah pikun. Saya bekerja seharian dan tidak ada yang menjaganya. Kemarin beliau tersesat sampai ke pasar. Saya butuh informasi layanan perawatan lansia.',
    ],
  },
  other: {
    groups: ['family'],
    texts: [
      'Saya ingin bertanya bagaimana cara mendapatkan pendampingan untuk keluarga yang baru pindah ke Padang dan belum punya dokumen kependudukan. Anak-anaknya belum bisa mendaftar sekolah.',
    ],
  },
};

/** A sentence a resident adds about the place, with `{kelurahan}` filled in. */
export const placeSentences = [
  'Rumahnya di {kelurahan}, dekat musala.',
  'Kejadiannya di {kelurahan}, di gang sebelah warung.',
  'Keluarga itu tinggal di {kelurahan}, rumah bercat hijau.',
  'Lokasinya di {kelurahan}, tidak jauh dari sekolah dasar.',
];

export const locationDetails = [
  'Dekat masjid, gang ketiga dari jalan utama',
  'Rumah kontrakan paling ujung, pagar biru',
  'Di belakang pasar, lantai dua di atas toko kelontong',
  'Kompleks perumahan, blok C',
  'Samping bengkel motor, rumah tanpa nomor',
  'Dekat pos ronda, rumah panggung kayu',
];

export const givenNames = [
  'Siti',
  'Nurhayati',
  'Yulia',
  'Rina',
  'Fitri',
  'Dewi',
  'Rahmi',
  'Lestari',
  'Budi',
  'Andi',
  'Rizky',
  'Fauzan',
  'Hendra',
  'Yusuf',
  'Irfan',
  'Arif',
];
export const familyNames = [
  'Putri',
  'Sari',
  'Wahyuni',
  'Hidayat',
  'Saputra',
  'Pratama',
  'Syahputra',
  'Chaniago',
  'Koto',
  'Piliang',
  'Tanjung',
  'Caniago',
];

export const safeHours = ['Siang hari, 10.00–14.00', 'Sore, setelah pukul 16.00', 'Kapan saja', 'Pagi, sebelum pukul 09.00'];

export const staffQuestions = [
  'Terima kasih atas laporan Anda. Apakah Anda tahu sejak kapan keadaan ini berlangsung, dan apakah ada orang dewasa lain di rumah itu?',
  'Terima kasih. Bisakah Anda menyebutkan perkiraan umur anak-anak tersebut dan apakah mereka masih bersekolah?',
  'Kami ingin membantu. Apakah orang yang Anda laporkan sudah tahu bahwa Anda menghubungi kami, dan apakah aman bagi kami untuk mendatanginya?',
  'Apakah ada waktu yang aman bagi petugas kami untuk menghubungi Anda, dan lewat saluran apa?',
];

export const reporterReplies = [
  'Sudah sekitar tiga bulan. Ada neneknya juga di rumah, tetapi beliau sudah sakit-sakitan.',
  'Anak yang besar umur sembilan tahun, yang kecil empat tahun. Yang besar sudah jarang sekolah.',
  'Dia belum tahu. Sebaiknya petugas datang siang hari ketika suaminya bekerja.',
  'Lewat WhatsApp saja, siang hari. Terima kasih banyak.',
];

export const decisionNotes = {
  accept: [
    'Risiko cukup tinggi, perlu asesmen awal minggu ini.',
    'Keluarga bersedia didampingi. Jadwalkan kunjungan rumah.',
    'Anak perlu segera dipastikan keselamatannya; koordinasi dengan sekolah.',
  ],
  duplicate: ['Laporan yang sama dari tetangga lain.', 'Kejadian yang sama sudah dilaporkan sehari sebelumnya.'],
  close: [
    'Pelapor sudah mendapat informasi yang dibutuhkan saat dihubungi.',
    'Informasi tidak cukup untuk ditindaklanjuti dan pelapor tidak dapat dihubungi.',
    'Di luar wilayah layanan Kota Padang.',
  ],
};

export const redirectTexts = [
  {
    summary: 'Dugaan kekerasan dalam rumah tangga terhadap seorang ibu dengan dua anak. Korban bersedia dihubungi siang hari.',
    explanation:
      'Laporan Anda kami teruskan ke lembaga yang menangani perlindungan perempuan dan anak. Mereka akan menghubungi keluarga tersebut.',
  },
  {
    summary: 'Seorang remaja membutuhkan pendampingan hukum terkait ancaman penyebaran foto.',
    explanation: 'Kami meneruskan laporan Anda kepada lembaga bantuan hukum yang dapat mendampingi korban secara gratis.',
  },
  {
    summary: 'Kepala keluarga sakit dan keluarga belum terdaftar bantuan sosial; empat anak usia sekolah.',
    explanation: 'Keluarga ini kami rujuk ke layanan bantuan sosial agar bisa didaftarkan dan mendapat bantuan.',
  },
  {
    summary: 'Anggota keluarga dengan gejala krisis kejiwaan; keluarga membutuhkan rujukan layanan kesehatan jiwa.',
    explanation: 'Kami meneruskan laporan Anda ke layanan kesehatan yang dapat menangani kondisi ini dengan segera.',
  },
];

export const declineReasons = [
  'Di luar wilayah kerja kami; mohon dialihkan ke unit di kecamatan yang bersangkutan.',
  'Kuota pendampingan bulan ini penuh; kami sarankan ke lembaga lain.',
];

export const caseNotes = [
  'Kunjungan rumah pertama. Ibu terbuka bercerita; anak-anak dalam keadaan sehat tetapi tampak cemas.',
  'Koordinasi dengan wali kelas: kehadiran anak membaik dua minggu terakhir.',
  'Konseling keluarga sesi kedua. Kedua orang tua hadir dan sepakat membuat aturan rumah bersama.',
  'Klien didampingi ke puskesmas untuk pemeriksaan dan surat rujukan.',
  'Telepon tindak lanjut: klien melaporkan tidak ada kejadian kekerasan lagi sejak kunjungan terakhir.',
  'Klien belum bisa dihubungi; dijadwalkan kunjungan ulang minggu depan.',
];

export const riskFactors = [
  'Riwayat kekerasan berulang; pelaku tinggal serumah; ekonomi bergantung pada pelaku.',
  'Anak balita tanpa pengasuh dewasa di siang hari.',
  'Ancaman bunuh diri dalam satu bulan terakhir.',
];

export const protectiveFactors = [
  'Nenek tinggal dekat dan bersedia membantu mengasuh.',
  'Klien aktif di pengajian dan punya dukungan tetangga.',
  'Sekolah peduli dan guru kelas rutin memantau.',
];

export const referralActions = [
  'Sudah dilakukan kunjungan awal oleh petugas kelurahan dan anak dititipkan sementara ke neneknya.',
  'Klien sudah diperiksa di puskesmas; hasil pemeriksaan terlampir di berkas kami.',
  'Sekolah sudah memanggil orang tua satu kali, tetapi tidak ada perubahan.',
];

export const referralReasons: Partial<Record<Category, string>> = {
  neglect: 'Anak usia sekolah ditemukan petugas tidak bersekolah selama dua bulan dan sering tidak makan. Orang tua sulit ditemui.',
  physical_violence: 'Klien datang ke puskesmas dengan luka memar dan mengaku dipukul suaminya. Klien bersedia dirujuk untuk pendampingan.',
  economic_hardship:
    'Keluarga rentan dengan kepala keluarga sakit menahun; belum terdaftar dalam DTKS dan anak-anak terancam putus sekolah.',
  child_marriage: 'Pihak sekolah melaporkan siswi kelas 8 yang akan dinikahkan. Orang tua menolak berdiskusi dengan sekolah.',
  mental_health_crisis: 'Warga dengan gangguan jiwa berat dipasung keluarga. Perlu penanganan terpadu dan pendampingan keluarga.',
};

export const referralResponses = [
  'Rujukan diterima dan ditangani oleh pekerja sosial LK3. Kami akan mengabari perkembangan umum.',
  'Kasus ini kami teruskan ke lembaga yang lebih tepat; rinciannya dapat ditanyakan kepada petugas triase.',
];

export const consentTakers = ['Petugas kelurahan', 'Bidan puskesmas', 'Guru BK', 'Pendamping PKH'];

export const noConsentJustifications = {
  child_at_risk: 'Anak dalam bahaya dan orang tua adalah pihak yang diduga melakukan penelantaran.',
  danger_to_life: 'Klien dalam bahaya langsung dan tidak dapat dimintai persetujuan saat ini.',
} as const;

/** The departments (Perangkat Daerah) that refer, with a prefix for their own reference numbers. */
export const departments = [
  { name: 'Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kota Padang', prefix: 'DP3A' },
  { name: 'Dinas Kesehatan Kota Padang', prefix: 'DINKES' },
  { name: 'Dinas Pendidikan Kota Padang', prefix: 'DISDIK' },
  { name: 'Satuan Polisi Pamong Praja Kota Padang', prefix: 'SATPOLPP' },
  { name: 'Dinas Kependudukan dan Pencatatan Sipil Kota Padang', prefix: 'DUKCAPIL' },
  { name: 'Kecamatan Koto Tangah', prefix: 'KEC-KT' },
];

/** Partner institutions a report may be redirected to. Phone numbers are placeholders in the 0751 area. */
export const partners: { name: string; type: PartnerType; phone: string; email: string; address: string; areasServed: string[] }[] = [
  {
    name: 'UPTD PPA Kota Padang',
    type: 'uptd_ppa',
    phone: '(0751) 555-0101',
    email: 'uptdppa@padang.example',
    address: 'Jl. Contoh No. 1, Padang',
    areasServed: [],
  },
  {
    name: 'Puspaga Kota Padang',
    type: 'puspaga',
    phone: '(0751) 555-0102',
    email: 'puspaga@padang.example',
    address: 'Jl. Contoh No. 2, Padang',
    areasServed: [],
  },
  {
    name: 'Unit PPA Polresta Padang',
    type: 'unit_ppa',
    phone: '(0751) 555-0103',
    email: '',
    address: 'Jl. Contoh No. 3, Padang',
    areasServed: [],
  },
  {
    name: 'RSUD dr. Rasidin Padang',
    type: 'health',
    phone: '(0751) 555-0104',
    email: 'rsud@padang.example',
    address: 'Jl. Contoh No. 4, Padang',
    areasServed: [],
  },
  {
    name: 'LBH Padang',
    type: 'legal_aid',
    phone: '(0751) 555-0105',
    email: 'lbh@padang.example',
    address: 'Jl. Contoh No. 5, Padang',
    areasServed: [],
  },
  {
    name: 'Sakti Peksos Kota Padang',
    type: 'sakti_peksos',
    phone: '(0751) 555-0106',
    email: 'peksos@padang.example',
    address: 'Jl. Contoh No. 6, Padang',
    areasServed: [],
  },
  {
    name: 'BNN Kota Padang',
    type: 'drug_rehab',
    phone: '(0751) 555-0107',
    email: 'bnn@padang.example',
    address: 'Jl. Contoh No. 7, Padang',
    areasServed: [],
  },
  {
    name: 'Puskesmas Lubuk Buaya',
    type: 'health',
    phone: '(0751) 555-0108',
    email: 'pkm.lubukbuaya@padang.example',
    address: 'Lubuk Buaya, Koto Tangah',
    areasServed: ['13.71.11'],
  },
];

/** Staff of the service, one list per role, as the seeds name them. */
export const staffNames = {
  admin: ['Rudi Hartono'],
  supervisor: ['Dra. Yenni Marlina', 'Syafrizal, S.Sos.'],
  triage: ['Nadia Safitri', 'Fajar Ramadhan', 'Lusi Andriani', 'Teguh Prasetyo', 'Mega Oktaviani', 'Reza Fahlevi'],
  caseworker: [
    'Intan Permata, S.Tr.Sos.',
    'Habibullah',
    'Desi Ratnasari',
    'Yoga Pratama',
    'Sri Mulyani',
    'Ahmad Zaki',
    'Winda Lestari',
    'Benny Saputra',
    'Rahmat Hidayat',
    'Nova Yanti',
    'Ilham Akbar',
    'Putri Ayu',
  ],
  department: ['Hesti Kurniawati', 'Zulkifli', 'Maya Sari', 'Doni Kurniawan', 'Ratna Dewi', 'Eko Saputra', 'Afrizal', 'Sinta Bella'],
};

/**
 * Reports staff recorded at the office (`/staff/intake`): what the officer wrote down from a
 * phone call, a WhatsApp message, a visit or a letter, in the reporter's words as far as possible.
 */
export const intakeNarratives = {
  phone:
    'Penelepon (tetangga) menyampaikan bahwa seorang nenek di sebelah rumahnya tinggal sendirian sejak anaknya merantau. Sudah dua hari nenek itu tidak keluar rumah dan lampu rumahnya tidak menyala. Penelepon khawatir beliau sakit dan tidak ada yang merawat.',
  whatsapp:
    'Pelapor mengirim pesan WhatsApp ke nomor layanan: adik perempuannya sering dipukul suaminya dan semalam datang ke rumah pelapor dengan lebam di wajah. Pelapor juga mengirim foto. Adiknya belum mau melapor ke polisi tetapi mau bicara dengan pekerja sosial.',
  office:
    'Ibu datang langsung ke kantor bersama anak bungsunya. Ia baru diberhentikan dari toko tempatnya bekerja, menunggak kontrakan dua bulan, dan khawatir anak sulungnya harus berhenti sekolah karena belum bisa membayar uang semester.',
  letter:
    'Surat dari kepala SD di kelurahan ini: seorang murid kelas 5 sudah tiga minggu tidak masuk sekolah. Wali kelas yang berkunjung ke rumah melihat anak itu ikut bekerja di bengkel las milik kenalan ayahnya sampai malam. Surat asli dipindai dan dilampirkan.',
};

/** The name an officer gives a file a reporter sent, as stored with the report. */
export const attachmentNames = { photo: 'foto-kiriman-pelapor.jpg', letter: 'surat-kepala-sekolah.pdf' };

/** The words of the school's letter, for the small PDF the demo attaches (plain ASCII: a standard PDF font). */
export const letterLines = [
  'SD Negeri 21 Kota Padang',
  'Nomor: 421.2/045/SD21/2026',
  'Perihal: Murid tidak masuk sekolah',
  '',
  'Kepada Yth. Pimpinan LK3 Kota Padang',
  '',
  'Dengan hormat, kami sampaikan bahwa salah seorang murid kelas 5 kami',
  'sudah tiga minggu tidak masuk sekolah. Wali kelas telah berkunjung ke rumah',
  'dan mendapati anak tersebut bekerja di bengkel las sampai malam hari.',
  'Kami mohon bantuan LK3 untuk mendampingi keluarga ini.',
  '',
  'Hormat kami,',
  'Kepala Sekolah',
];

/** Initial assessments (asesmen awal) written by the caseworker, one per case, with the family as they told it. */
export const initialAssessments = {
  'case-in-depth': {
    presentingProblem:
      'Remaja putri (16 tahun) yang kos di dekat kampus dipaksa berhubungan oleh pacarnya dan sekarang diancam fotonya akan disebarkan bila ia memutuskan hubungan. Ia belum berani bercerita kepada orang tuanya di kampung.',
    household: [
      { name: 'Rani', relation: 'self', ageGroup: 'age_13_17', role: 'Pelajar SMA, tinggal di kos' },
      { name: 'Bu Erni', relation: 'not_related', ageGroup: 'age_18_59', role: 'Pemilik kos, yang paling dekat sehari-hari' },
      { name: 'Bu Sarah', relation: 'mother', ageGroup: 'age_18_59', role: 'Ibu Rani, tinggal di Pariaman' },
    ],
    safety:
      'Rani aman secara fisik di kos; pacarnya tidak tahu alamat kos yang baru. Ancaman penyebaran foto masih berlangsung lewat pesan.',
    safetyPlan:
      'Nomor pacar diblokir bersama Rani, pesan ancaman disimpan sebagai bukti. Bu Erni bersedia menolak tamu laki-laki yang mencari Rani. Rani menyimpan nomor LK3 dan UPTD PPA.',
    risk: ['Pelaku masih tinggal serumah atau mudah menjangkau korban'],
    riskNotes: 'Pelaku satu sekolah dengan Rani, jadi masih bertemu setiap hari.',
    protective: ['Ada kerabat yang mendukung', 'Anak tetap bersekolah'],
    protectiveNotes: 'Rani tetap masuk sekolah dan dekat dengan guru BK-nya.',
    decision: 'in_depth_assessment',
    decisionReason: 'Perlu asesmen lanjutan tentang keadaan Rani dan cara melibatkan orang tuanya dengan aman.',
  },
  'case-plan': {
    presentingProblem:
      'Orang tua pelapor berselisih dengan paman soal warisan rumah. Pertengkaran sudah sampai saling ancam, dan adik-adik pelapor yang masih kecil sering mendengarnya.',
    household: [
      { name: 'Pak Syahrul', relation: 'father', ageGroup: 'age_18_59', role: 'Kepala keluarga, sopir angkot' },
      { name: 'Bu Yanti', relation: 'mother', ageGroup: 'age_18_59', role: 'Ibu rumah tangga, berjualan kue' },
      { name: 'Dina', relation: 'self', ageGroup: 'age_18_59', role: 'Anak sulung, yang melapor' },
      { name: 'Raka', relation: 'sibling', ageGroup: 'age_5_12', role: 'Adik bungsu, kelas 3 SD' },
    ],
    safety: 'Belum ada kekerasan fisik. Ancaman diucapkan saat bertengkar; anak-anak ketakutan ketika paman datang.',
    safetyPlan: 'Bila paman datang dalam keadaan marah, Dina membawa Raka ke rumah nenek di gang sebelah dan menghubungi ketua RT.',
    risk: ['Keluarga terasing, tanpa dukungan di sekitarnya'],
    riskNotes: 'Keluarga besar terbelah dua karena soal warisan ini.',
    protective: ['Keluarga bersedia bekerja sama', 'Ada tokoh masyarakat atau agama yang peduli'],
    protectiveNotes: 'Ketua RT dan seorang ninik mamak bersedia menjadi penengah.',
    decision: 'in_depth_assessment',
    decisionReason: 'Perlu memahami hubungan dalam keluarga besar sebelum menyusun rencana penyelesaian.',
  },
  'case-intervention': {
    presentingProblem:
      'Anak perempuan kelas 8 akan dinikahkan dengan laki-laki yang jauh lebih tua karena beban ekonomi keluarga. Anak masih ingin sekolah. Dilaporkan oleh wali kelasnya.',
    household: [
      { name: 'Salsa', relation: 'self', ageGroup: 'age_13_17', role: 'Pelajar kelas 8 SMP' },
      { name: 'Bu Nur', relation: 'mother', ageGroup: 'age_18_59', role: 'Berjualan sayur di pasar' },
      { name: 'Pak Amir', relation: 'father', ageGroup: 'age_18_59', role: 'Nelayan, kepala keluarga' },
      { name: 'Fikri', relation: 'sibling', ageGroup: 'under_5', role: 'Adik, diasuh Salsa sepulang sekolah' },
    ],
    safety: 'Salsa tidak mengalami kekerasan fisik, tetapi ditekan untuk berhenti sekolah dan menerima lamaran.',
    safetyPlan: 'Wali kelas memantau kehadiran Salsa setiap hari dan segera mengabari LK3 bila Salsa tidak masuk.',
    risk: ['Kesulitan ekonomi yang berat', 'Anak putus sekolah atau sering tidak masuk'],
    riskNotes: 'Penghasilan melaut tidak menentu sejak musim angin barat.',
    protective: ['Anak tetap bersekolah', 'Ada tokoh masyarakat atau agama yang peduli'],
    protectiveNotes: 'Sekolah dan penghulu di KUA sudah tahu rencana ini dan mendukung penundaan.',
    decision: 'in_depth_assessment',
    decisionReason: 'Keputusan keluarga masih bisa berubah; perlu rencana bersama sekolah dan keluarga.',
  },
} as const;

/** In-depth assessments (asesmen lanjutan): the second version on a case adds what a later visit showed. */
export const inDepthAssessments = {
  'case-in-depth': [
    {
      members: {
        Rani: {
          attitudes: 'Menyalahkan diri sendiri dan merasa malu.',
          thoughts: 'Takut orang tuanya marah dan menyuruhnya pulang kampung.',
          behaviour: 'Sulit tidur, jarang makan, tetapi tetap masuk sekolah.',
        },
      },
      familyFunctioning: 'Orang tua di Pariaman belum tahu. Hubungan Rani dengan ibunya dekat, dengan ayahnya lebih berjarak.',
      strengths: 'Rani berani bercerita dan mau didampingi. Pemilik kos peduli.',
      riskLevel: 'high',
      riskReason: 'Ancaman penyebaran foto masih berlangsung dan pelaku bertemu Rani setiap hari di sekolah.',
    },
    {
      members: {
        Rani: {
          attitudes: 'Mulai melihat bahwa ini bukan salahnya.',
          thoughts: 'Ingin ibunya tahu, asal ditemani pekerja sosial saat bercerita.',
          behaviour: 'Tidur lebih baik; ikut sesi konseling kedua.',
        },
        'Bu Sarah': {
          attitudes: 'Terkejut tetapi berpihak kepada Rani.',
          thoughts: 'Ingin pelaku diproses hukum.',
          behaviour: 'Datang ke Padang dan menemani Rani selama seminggu.',
        },
      },
      familyFunctioning: 'Setelah ibunya tahu, keluarga mendukung Rani. Ayahnya setuju Rani tetap sekolah di Padang.',
      strengths: 'Dukungan ibu, guru BK, dan pemilik kos.',
      riskLevel: 'medium',
      riskReason: 'Ancaman belum berhenti, tetapi Rani kini punya dukungan keluarga dan bantuan hukum sedang diupayakan.',
    },
  ],
  'case-plan': [
    {
      members: {
        'Pak Syahrul': {
          attitudes: 'Merasa paling berhak atas rumah karena merawat orang tuanya dulu.',
          thoughts: 'Khawatir keluarganya kehilangan tempat tinggal.',
          behaviour: 'Mudah tersulut ketika paman datang.',
        },
        Raka: {
          attitudes: 'Takut setiap ada tamu.',
          thoughts: 'Mengira orang tuanya akan berpisah.',
          behaviour: 'Mengompol lagi dua minggu terakhir.',
        },
      },
      familyFunctioning: 'Keluarga inti rukun; masalah ada pada hubungan dengan keluarga besar.',
      strengths: 'Orang tua mau duduk bersama bila ada penengah yang dihormati.',
      riskLevel: 'low',
      riskReason: 'Tidak ada kekerasan fisik; yang dibutuhkan penyelesaian yang damai dan dukungan untuk anak-anak.',
    },
  ],
} as const;

/** The intervention plans (rencana intervensi): goals, each with its activities by LK3 function. */
export const planGoals = {
  'case-plan': [
    {
      goal: 'Keluarga dan paman menyelesaikan soal warisan rumah lewat musyawarah, tanpa ancaman.',
      activities: [
        { title: 'Menghubungi ninik mamak dan ketua RT untuk menjadi penengah musyawarah', lk3Function: 'networking', due: 'today' },
        { title: 'Memberi keluarga informasi bantuan hukum gratis soal warisan (LBH, Posbakum)', lk3Function: 'information', due: 'later' },
      ],
    },
    {
      goal: 'Raka kembali merasa aman di rumah.',
      activities: [
        {
          title: 'Konseling keluarga: cara orang tua menenangkan anak setelah pertengkaran',
          lk3Function: 'family_strengthening',
          due: 'later',
        },
      ],
    },
  ],
  'case-intervention': [
    {
      goal: 'Salsa tetap bersekolah dan pernikahan tidak dilangsungkan.',
      activities: [
        { title: 'Mendampingi Salsa kembali ke sekolah bersama wali kelas', lk3Function: 'protection', due: 'done' },
        { title: 'Menjelaskan kepada orang tua aturan batas usia menikah dan dispensasi kawin', lk3Function: 'information', due: 'done' },
        { title: 'Konseling keluarga tentang masa depan Salsa', lk3Function: 'family_strengthening', due: 'today' },
      ],
    },
    {
      goal: 'Beban ekonomi keluarga berkurang.',
      activities: [
        { title: 'Mengusulkan keluarga ke PKH dan Program Indonesia Pintar', lk3Function: 'referral', due: 'overdue' },
        {
          title: 'Bu Nur ikut pelatihan usaha olahan ikan di kelurahan',
          lk3Function: 'empowerment',
          due: 'later',
          responsible: 'Bu Nur, didampingi kader PKK kelurahan',
        },
      ],
    },
  ],
} as const;

export const progressNotes = [
  'Salsa sudah masuk sekolah lagi sejak Senin; wali kelas memantau kehadirannya.',
  'Orang tua menerima penjelasan dan setuju menunda rencana pernikahan.',
];

/** Follow-ups (tindak lanjut): what happened, and when the next one is. */
export const followUpOutcomes = {
  'case-intervention':
    'Kunjungan rumah bersama wali kelas. Salsa rajin masuk sekolah. Pak Amir masih ragu, tetapi mau menunggu sampai Salsa lulus SMP.',
  'case-monitoring':
    'Telepon dengan klien: tidak ada ancaman lagi dari mertua sejak pertemuan keluarga. Klien sudah bisa tidur nyenyak dan mulai bekerja kembali.',
};

/** Referrals out from a case to a partner, with the family's consent. */
export const caseReferrals = {
  'referral-case': {
    partner: 'RSUD dr. Rasidin Padang',
    consentBy: 'Istri klien (Bu Lena)',
    summary:
      'Bapak 41 tahun dengan gangguan jiwa berat, sempat dipasung keluarga. Sudah dilepas dan didampingi LK3; keluarga kini mau bekerja sama.',
    request: 'Mohon pemeriksaan dan pengobatan jiwa rawat jalan, serta jadwal kontrol rutin di poli jiwa.',
  },
  'case-in-depth': {
    partner: 'LBH Padang',
    consentBy: 'Rani dan ibunya (Bu Sarah)',
    summary:
      'Remaja putri 16 tahun mengalami kekerasan seksual oleh pacarnya dan diancam fotonya akan disebarkan. Bukti pesan ancaman sudah disimpan.',
    request: 'Mohon pendampingan hukum untuk melapor dan menghentikan penyebaran foto (UU TPKS).',
  },
} as const;

/** The minutes of a case conference (temu kasus). */
export const conference = {
  otherAttendees: 'Wali kelas SMP Negeri 40 Padang; Penghulu KUA Bungus Teluk Kabung',
  decisions:
    'Pernikahan Salsa ditunda sampai ia cukup umur; KUA tidak akan memproses tanpa dispensasi, dan keluarga tidak akan mengajukannya. Sekolah memberi keringanan biaya seragam. LK3 mengusulkan keluarga ke PKH.',
  nextSteps: 'Kunjungan rumah bersama wali kelas dalam dua minggu. UPTD PPA memantau bila ada tekanan baru dari pihak laki-laki.',
};

/** What the caseworker wrote when closing a case, by case. */
export const closingSummaries = {
  'case-closed':
    'Ibu dan anak mengikuti enam sesi konseling. Anak tidak lagi bolos, nilainya membaik, dan ibu sudah punya cara berbicara dengan anaknya tanpa bertengkar. Tujuan rencana tercapai; keluarga tahu cara menghubungi LK3 lagi bila perlu.',
  'referral-case':
    'Klien sudah diterima poli jiwa RSUD dr. Rasidin dan rutin kontrol. Keluarga berjanji tidak memasung lagi dan didampingi kader kesehatan jiwa puskesmas. Pendampingan selanjutnya oleh rumah sakit.',
  'case-declined':
    'Ibu memutuskan tidak melanjutkan pendampingan karena suaminya menolak. Ia sudah diberi informasi rehabilitasi di BNN dan nomor LK3, dan tahu boleh datang lagi kapan saja.',
};
