"""Corpus v2 supplement: more templates of the hardest kinds, added after the first model's errors.

These rows go to train/dev only (never test), and are generated after the v1 rows, so the frozen
test split is unchanged. Kinds as in the other template files; one template per line: kind | text.
"""

EXTRA_NETRAL = """
namesake | Selamat ulang tahun {nsfull}! Sehat selalu dan makin sukses usahanya {e}
namesake | Makasih banyak {nsfull} udah nganterin paket sampai depan pintu, baik banget {e}
namesake | {nsfull} tetangga depan rumah baru pulang umroh, oleh-olehnya kurma {e}
namesake | Kangen sama {nsfull}, sahabat kecilku yg sekarang merantau ke Batam {e}
namesake | Salut sama {nsfull}, satpam komplek yg jujur balikin dompet warga {e}
namesake | Terima kasih {nsfull} atas traktiran bakso siang ini, semoga rezekinya lancar {e}
namesake | Anak saya sekelas sama anaknya {nsfull}, kemarin kerja kelompok di rumah {e}
namesake | {nsfull} montir bengkel depan gang memang paling jago, motor langsung enak {e}
namesake | Happy birthday {nsfull}, wish you all the best bro {e}
namesake | Selamat atas kelulusan S2-nya {nsfull}, bangga punya teman kayak kamu {e}
namesake | Hatur nuhun {ns} tos ngabantosan ngalereskeun pager {e}
namesake | Matur nuwun {ns} sampun maringi sayur saking sabin {e}
namesake | Tarimo kasih {ns} alah mambantu di alek kamari {e}
namesake | Dokter gigi langganan keluarga namanya {ns}, orangnya sabar bgt sama anak2 {e}
namesake | Pelatih futsal anakku, {ns}, dapat penghargaan pelatih terbaik se-kecamatan {e}
joke_all | {c} sama {c2} kalau debat kayak lomba pantun, sama2 ga nyambung wkwk {e}
joke_all | Baliho {c} dan {c2} bersebelahan di perempatan, senyumnya sama2 lebar {e}
joke_all | Ibu2 arisan: {c} ganteng, {c2} juga ganteng, ujung2nya ngomongin harga bawang {e}
joke_all | {c}, {c2}, semuanya janji jalan mulus. Jalan depan rumahku masih kayak bulan {e}
joke_all | Ngakak liat meme {c} vs {c2} di grup, dua2nya kena roasting {e}
joke_all | Kalau {c} dan {c2} main futsal bareng, siapa yg jadi kiper? wkwk {e}
joke_all | Semua calon tiba2 rajin ke pasar, pedagang sampai hafal wajah mereka {e}
joke_all | Jujur aku masih bingung, semua calon sama2 punya kelebihan dan kekurangan {e}
joke_all | Tiap musim pilkada semua calon mendadak suka makan di warteg {e}
incumbent_official | {jab} {c} membuka musyawarah perencanaan pembangunan tingkat kabupaten hari ini
incumbent_official | {c} menerima penghargaan WTP dari BPK atas laporan keuangan daerah
incumbent_official | {jab} {c} meninjau lokasi longsor dan memerintahkan dinas PU bergerak cepat
incumbent_official | Dalam kapasitas sebagai {jab}, {c} menandatangani perda tentang retribusi pasar
incumbent_official | {c} menyalurkan bantuan beras cadangan pangan kepada warga terdampak banjir
incumbent_official | Rapat terbatas {jab} {c} dengan forkopimda membahas keamanan jelang hari raya
daily_life | Thank you so much buat semua yg udah dateng ke nikahan kami, love you all {e}
daily_life | Selamat ulang tahun ibuku tersayang, sehat selalu ya bu {e}
daily_life | Semangat buat semua pejuang skripsi, kalian pasti bisa! {e}
daily_life | Makasih ya teman2 kantor atas kejutan ulang tahunnya, terharu {e}
daily_life | Best moment minggu ini: makan malam bareng keluarga besar {e}
daily_life | Selamat menunaikan ibadah puasa bagi yang menjalankan {e}
daily_life | Bangga banget sama anakku yg juara kelas, terus semangat nak {e}
daily_life | Dukung UMKM lokal yuk, beli keripik tetangga yg enak banget ini {e}
daily_life | Yuk dukung timnas malam ini, Garuda pasti bisa! {e}
daily_life | Pilih kopi susu atau teh manis buat nemenin hujan sore ini? {e}
daily_life | Alhamdulillah panen padi tahun ini bagus, syukur sama Allah {e}
daily_life | Have a nice weekend everyone, jangan lupa istirahat {e}
daily_life | Wilujeng enjing sadayana, mugia sehat walafiat {e}
daily_life | Sugeng enjing sedoyo, mugi tansah pinaringan sehat {e}
work | Terima kasih atas kerja keras seluruh pegawai dalam pelayanan mudik tahun ini {e}
work | Selamat bertugas rekan2 petugas kebersihan, kalian luar biasa {e}
work | Bangga sama tim puskesmas yg berhasil turunkan angka stunting {e}
number_outside | Kelas 2 SD sekarang udah belajar perkalian ya ternyata {e}
number_outside | Hari ke-{n} diet, berat turun 2 kilo {finger} {e}
number_outside | Beli {n} kilo jeruk di pasar, manis bgt {e}
number_outside | Antrian nomor {n} di bank, lumayan cepet hari ini {finger}
election_info | Apapun pilihan kalian, hormati pilihan orang lain ya. Pemilu damai {e}
election_info | Besok masa tenang, yuk bersihin timeline dari konten kampanye {e}
election_info | KPU {r} membuka pendaftaran pemantau pemilu hingga akhir bulan
election_info | Simulasi pemungutan suara {pil} digelar di kelurahan kami, warga antusias {e}
"""

EXTRA_SERANGAN = """
dont_vote | Ojo nganti milih {c}, wis cetho ora iso kerjo {e}
dont_vote | Ulah pisan-pisan milih {c}, bakal kaduhung {e}
dont_vote | Jan sampai {c} manang dunsanak, bisa kacau kampuang awak {e}
dont_vote | Please jangan coblos {c}, kasian {r} lima tahun ke depan {e}
black_campaign | Info valid dari grup RT: {c} katanya mau naikin PBB 200%. Sebarkan sebelum dihapus!!
black_campaign | Beredar rekaman {c} ngatain warga miskin. Share biar semua tau aslinya
black_campaign | Hati2, kalau {c} menang, honorer bakal diberhentikan semua. Bocoran dari dalam
black_campaign | Copas dari grup sebelah: {c} punya istri simpanan & pakai dana bansos. Viralkan!
attack | {c} mah teu aya gawe, ngan ukur janji wungkul {e}
attack | {c} iku ra genah, proyek jalan mangkrak kabeh {e}
mock | {c} kampanye ngajak joget doang, programnya mana? wkwk {e}
"""

EXTRA_DUKUNGAN = """
endorse | Hatur nuhun {c}, mugia kapilih jadi {jab}. Urang dukung pinuh {e}
endorse | Wis mantep milih {c}, ora ono liyane {e}
call_to_vote | Tanggal {day} pokoknya nomor {n} ya gaes, jangan sampai salah {finger}
event_attendance | Ikut senam bareng {c} di alun-alun pagi ini, sekalian dengerin visi misinya {e} {ht}
"""
