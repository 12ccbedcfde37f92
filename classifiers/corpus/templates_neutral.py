"""Hand-written templates: posts that take no side, above all the hard negatives.

Neutral election information, ASN-neutrality news and socialisation, an incumbent candidate doing
official work, namesakes, jokes aimed at every candidate, numbers and finger emojis outside an
election, and plain daily life and work. One template per line: kind | text.
"""

NETRAL = """
election_info | Jangan lupa cek DPT kalian di cekdptonline.kpu.go.id sebelum {day} ya {e}
election_info | Info: pemungutan suara {pil} {r} dilaksanakan tanggal {day}, TPS buka jam 07.00-13.00
election_info | Siapapun pilihannya, yang penting jangan golput! Datang ke TPS {day} {e}
election_info | KPU {r} menetapkan {k} {paslon} peserta {pil} 2029. Pengundian nomor urut digelar besok
election_info | Bawa KTP-el dan undangan C6 waktu ke TPS ya. Kalau undangan hilang tetap bisa pakai KTP {e}
election_info | Debat publik {paslon} {pil} {r} disiarkan langsung malam ini pukul 19.00 WIB
election_info | Buat pemilih pemula: cara nyoblos yg sah itu coblos di dalam kotak gambar, jangan di luar {e}
election_info | Pindah memilih? Urus form A5 paling lambat H-7 di PPS setempat {e}
election_info | Hasil hitung cepat beberapa lembaga survei menunjukkan selisih tipis. Tunggu hasil resmi KPU ya
election_info | Rekapitulasi suara tingkat kecamatan di {r} berjalan lancar dan aman, dipantau saksi semua {paslon}
election_info | Sosialisasi tahapan {pil} 2029 bersama KPU {r} di aula kecamatan, terbuka untuk umum
election_info | Jadwal kampanye {pil} {r}: {camp}. Semua {paslon} dapat jatah yg sama
election_info | Hayu urang sadaya ka TPS tanggal {day}, ulah golput nya. Pilih sasuai haté nurani {e}
election_info | Ayo sedulur, tanggal {day} tindak TPS, ojo golput. Pilihan bebas sak karepmu {e}
election_info | Ayo dunsanak, datang ka TPS tanggal {day}. Pilihan bebas, nan pantiang indak golput {e}
election_info | Pemilu damai itu tanggung jawab kita semua. Beda pilihan tetap saudara {e}
election_info | KPU resmi menetapkan {c} sebagai {paslon} nomor urut {n} dalam rapat pleno terbuka
election_info | Pengundian nomor urut {pil} {r}: {c} mendapat nomor {n}, rapat berjalan tertib
election_info | Hasil resmi KPU: {c} memperoleh suara terbanyak di {pil} {r}. Penetapan calon terpilih pekan depan
election_info | Quick count {pil} {r} hari ini: {c} unggul sementara dengan 41%, data masuk 80%
election_info | Petugas KPPS di TPS 12 lagi siap2 dari subuh. Semangat bapak ibu! {e}
election_info | Tips biar ga salah coblos: bawa catatan kecil nama caleg pilihanmu sendiri {e}
election_info | Masa tenang {pil} dimulai hari ini. Semua alat peraga kampanye wajib diturunkan
election_info | Gimana sih cara cek kita terdaftar di TPS mana? Ada yg tau link resminya?
election_info | Lowongan KPPS {pil} 2029 udah dibuka, syarat min 17 tahun & sehat jasmani {e}
election_info | Survei elektabilitas terbaru: selisih antar {paslon} masih dalam margin of error
election_info | Surat suara {pil} {r} mulai didistribusikan ke kecamatan hari ini
neutrality_news | Bawaslu {r} mengingatkan ASN wajib netral selama tahapan {pil} 2029
neutrality_news | Seorang ASN di {r} dijatuhi sanksi karena ikut foto pose jari di acara kampanye
neutrality_news | KASN terima puluhan laporan pelanggaran netralitas ASN jelang {pil} {e}
neutrality_news | SKB 5 menteri soal netralitas ASN: dilarang like, comment, share konten kampanye
neutrality_news | Pj {jab} {r} terbitkan surat edaran netralitas ASN, kepala dinas diminta awasi bawahannya
neutrality_news | Oknum kades di {r} diperiksa Bawaslu gara2 ikut deklarasi dukungan salah satu {paslon}
neutrality_news | Berita: PNS yg terbukti tidak netral bisa kena penundaan kenaikan pangkat hingga pemberhentian
neutrality_news | Bawaslu temukan ASN jadi admin grup WA pemenangan {cal}. Kasus diteruskan ke BKN
neutrality_news | Sanksi ASN tidak netral: teguran, penundaan gaji berkala, sampai diberhentikan tidak hormat
neutrality_news | Hari ini ikut apel siaga netralitas ASN bersama Bawaslu dan Pemda {r} {e}
neutrality_news | Bawaslu: ASN boleh datang ke kampanye sebagai pendengar, tapi dilarang pakai atribut {paslon}
neutrality_news | Pemkab tegaskan ASN yg kedapatan pasang foto profil {paslon} akan diproses
neutrality_socialisation | Sebagai ASN, saya wajib netral di {pil} 2029. Hak pilih tetap saya gunakan di bilik suara {e}
neutrality_socialisation | Mengingatkan rekan2 ASN: jangan posting, like, atau share konten {paslon} manapun ya {e}
neutrality_socialisation | ASN netral, pemilu berkualitas! #ASNNetral #{pil}2029
neutrality_socialisation | Hari ini sosialisasi netralitas ASN di kantor, materinya soal SKB dan contoh pelanggaran di medsos
neutrality_socialisation | Kami ASN {r} berkomitmen menjaga netralitas di {pil}. Melayani semua warga tanpa memihak {e}
neutrality_socialisation | Pose foto jangan pakai jari 1, 2, atau 3 dulu ya rekan2 ASN, biar aman selama tahapan {pil} {e}
neutrality_socialisation | Pengumuman di grup kantor: dilarang pakai atribut {paslon} mana pun di lingkungan kerja
neutrality_socialisation | Netral itu bukan berarti gak milih ya, tapi gak kampanye. Pilihan simpan di bilik suara {e}
neutrality_socialisation | ASN mah kudu netral, ulah ilu-ilu kampanye di medsos. Milih mah di TPS wae {e}
neutrality_socialisation | Dadi ASN kudu netral, ojo melu kampanye neng sosmed yo lur {e}
neutrality_socialisation | Pakta integritas netralitas ASN sudah ditandatangani seluruh pegawai dinas pagi ini {e}
incumbent_official | {jab} {c} meresmikan gedung puskesmas baru di kecamatan Sukamulya pagi ini
incumbent_official | Rapat koordinasi penanganan banjir dipimpin langsung {c} di kantor {jab}
incumbent_official | {c} menyerahkan bantuan alat pertanian kepada 40 kelompok tani {r}
incumbent_official | Kunjungan kerja {jab} {c} ke RSUD untuk meninjau layanan BPJS
incumbent_official | Upacara HUT kabupaten dipimpin {c} selaku inspektur upacara {e}
incumbent_official | Dinas kami hari ini menerima kunjungan {c} dalam rangka monitoring program stunting
incumbent_official | {c} cuti di luar tanggungan negara selama masa kampanye, tugas dijalankan Plh
incumbent_official | {c} melantik 120 pejabat administrator di lingkungan Pemkab {r}
incumbent_official | Foto dokumentasi rapat paripurna DPRD bersama {c} tentang APBD 2030
incumbent_official | Pak {jab} {c} ikut salat Id bareng warga di masjid agung {r}
incumbent_official | Sidak {jab} {c} ke pasar tradisional, harga cabai mulai turun
incumbent_official | Penandatanganan MoU pengelolaan sampah antara Pemkot dan {c} hari ini
namesake | Selamat ultah {ns}, tetangga paling baik se-RT {e}
namesake | {ns} tukang bakso langganan kantor hari ini libur, sedih {e}
namesake | Temen SD aku namanya juga {ns} wkwk, sekarang jadi dokter gigi {e}
namesake | Turut berduka cita atas wafatnya bapak {ns}, guru ngaji kami di kampung {e}
namesake | Makasih {ns} udah bantuin betulin genteng rumah kemarin {e}
namesake | Pesen ojol, drivernya namanya {ns}. Ramah bgt bintang 5 {e}
namesake | Ucapan selamat atas pernikahan {ns} dan pasangan, semoga sakinah {e}
namesake | Juara 1 lomba burung kicau minggu ini: milik {ns} dari desa sebelah {e}
namesake | {ns} yg jualan pecel di depan sekolah sekarang buka cabang baru {e}
namesake | Rapat RT malam ini di rumah {ns}, jangan lupa bawa iuran {e}
namesake | Alhamdulillah anak saya diajar {ns}, guru honorer yg sabar bgt {e}
joke_all | Semua {paslon} janjinya sama: gratis ini gratis itu. Yg bayar siapa? wkwk {e}
joke_all | Baliho semua calon di perempatan udah kayak pameran foto keluarga {e}
joke_all | Capek liat debat, semua calon muter2 jawabnya. Mending nonton bola {e}
joke_all | Siapapun yg menang, semoga jalan depan rumah gw diaspal. Itu aja permintaan gw {e}
joke_all | Grup WA keluarga tiap pemilu: semua paslon dihujat rata. Adil wkwk {e}
joke_all | {c} dan {c2} sama2 jago senyum di baliho, aslinya ga ada yg pernah mampir ke sini {e}
joke_all | Debat semalem: {c} sama {c2} sama2 ga jawab pertanyaan. Seri 0-0 {e}
joke_all | Kalau calon2 ini serius bikin program kayak serius bikin baliho, udah maju kita {e}
joke_all | Tukang sablon kaos kampanye satu2nya yg pasti menang tiap pemilu {e}
joke_all | Semua {paslon} ngaku paling merakyat, tapi ga ada yg naik angkot {e}
number_outside | Alhamdulillah anak juara {n} lomba mewarnai tingkat kecamatan {finger} {e}
number_outside | Kantor pindah ke lantai {n} gedung B, jangan nyasar ya {e}
number_outside | Peace {finger} abis berantem sama adek gara2 remote TV wkwk
number_outside | Tim futsal kantor menang {n}-1 tadi sore {finger} {e}
number_outside | Promo beli {n} gratis 1 di warung kopi depan kantor, buruan {e}
number_outside | Gaji ke-13 cair {finger} alhamdulillah {e}
number_outside | Nomor antrian saya {n}, cepet juga di puskesmas hari ini {e}
number_outside | Foto wisuda pose {finger} bareng sahabat dari SMA {e}
number_outside | Nilai ujian matematika anak dapet {n} dari 10, yaudah gapapa belajar lagi {finger}
number_outside | Rumah nomor {n} yang cat hijau itu lagi dikontrakkan, minat japri
number_outside | {finger} satu hal aja yang penting hari ini: jangan lupa makan siang {e}
number_outside | Bus jurusan {r} berangkat dari peron {n} jam 3 sore {e}
number_outside | Selfie dulu sebelum senam pagi {finger}{e}
number_outside | Top {n} tempat ngopi enak di {r} versi aku {e}
number_outside | Bab {n} skripsi akhirnya acc {finger} {e}
number_outside | Lagu nomor {n} di album baru itu enak bgt, auto repeat {e}
daily_life | Pagi2 udah macet parah di jalan protokol {r} {e}
daily_life | Hujan deres dari subuh, jemuran ga kering2 {e}
daily_life | Masak rendang buat arisan keluarga, semoga pada suka {e}
daily_life | Anak demam dari semalem, mohon doanya ya teman2 {e}
daily_life | Weekend mending rebahan atau jogging? Aku sih rebahan {e}
daily_life | Harga cabai naik lagi, emak2 menjerit {e}
daily_life | Rindu kampung halaman, pengen makan nasi padang buatan amak {e}
daily_life | Akhirnya kebeli juga motor baru hasil nabung 2 tahun {e}
daily_life | Nonton timnas tadi malem, deg2an parah sampe menit akhir {e}
daily_life | Ngopi heula ah, sangeunahna wae sore-sore kieu {e}
daily_life | Esuk iki adem tenan, enak nggo turu meneh {e}
daily_life | Lah lamo indak pulang kampuang, raso rindu bana jo kampuang {e}
daily_life | Happy anniversary ke-10 sayangku, thank you for everything {e}
daily_life | Jalan2 ke pantai bareng keluarga, healing tipis2 {e}
daily_life | Kucing di rumah baru lahiran 4 ekor, lucu2 bgt {e}
daily_life | Persiapan mudik, tiket kereta udah aman {e}
daily_life | Selamat hari guru untuk semua guru hebat di Indonesia {e}
work | Apel pagi di kantor dinas, dilanjut rapat evaluasi kinerja triwulan {e}
work | Lembur nyusun laporan keuangan akhir tahun, semangat! {e}
work | Pelayanan KTP-el di Disdukcapil buka sampai Sabtu minggu ini {e}
work | Pelatihan digitalisasi arsip buat pegawai kecamatan hari ini {e}
work | Alhamdulillah SKP tahun ini nilainya sangat baik {e}
work | Kunjungan lapangan cek irigasi sawah bareng penyuluh pertanian {e}
work | Posyandu bulan ini fokus imunisasi dan timbang balita {e}
work | Hari ini piket layanan pengaduan masyarakat, silakan datang ke kantor kecamatan {e}
work | Selamat datang CPNS baru di lingkungan Pemkab {r}, semoga betah {e}
work | Rapat persiapan 17 Agustus di balai desa, semua RT diundang {e}
work | Puskesmas keliling hadir di desa kami hari ini, gratis cek tensi {e}
work | Bimtek penyusunan anggaran desa selesai, capek tapi dapet ilmu {e}
"""
