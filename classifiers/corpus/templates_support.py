"""Hand-written templates: posts that support a candidate, a pair, a party or a legislative candidate.

Slots ({c}, {n}, {finger}, ...) are explained in `classifiers/corpus/slots.py`. One template per line:
kind | text. Registers vary on purpose: slang, Sundanese, Javanese, Minang, code-mixing.
"""

DUKUNGAN = """
endorse | Udah fix pilihan aku {c} {e}
endorse | Bismillah, {pil} nanti aku percayakan ke {c}. Orangnya jujur dan kerja nyata {e}
endorse | {c} itu satu2nya {cal} yg paham masalah warga {r}. Yakin deh
endorse | Sy sdh lihat sendiri kerja {c}, gak banyak omong langsung gas. Lanjutkan!
endorse | Kalau mau {r} maju ya cuma {c} jawabannya {e}
endorse | dukung {c} sampai menang!! {ht}
endorse | {c} for {jab} {r}! Literally the best choice we have {e}
endorse | Maaf ya netizen, tp {c} emang paling layak jadi {jab}. No debat
endorse | Bangga bisa jadi bagian dari relawan {c} {e} {ht}
endorse | Abdi mah tetep milih {c}, da jelema na bageur jeung jujur {e}
endorse | Kula milih {c}, wonge apik lan ora neko-neko {e}
endorse | Awak pilih {c} sajo lah, urang nan paliang paham jo kampuang awak {e}
endorse | Pokoke {c} menang, {r} jaya! {e}
endorse | Program {c} soal beasiswa & kesehatan gratis itu masuk akal bgt. Dukung penuh {e}
endorse | Gaes, jgn ragu. {c} udah terbukti. {tag}! {e}
endorse | Semoga Allah mudahkan langkah {c} menuju kursi {jab} {r}. Aamiin {e}
endorse | Yg lain cuma janji, {c} udah bukti. Siap menangkan {paslon} nomor {n}!
endorse | Mantap pidato {c} tadi malam, merinding dengernya. Ini baru calon pemimpin {e}
endorse | Harapan kami cuma satu: {c} jadi {jab} {r} periode depan {e}
endorse | Rekan2 satu angkatan, mari kita kawal kemenangan {c} {ht}
endorse | {c} tuh vibes pemimpinnya dapet banget, humble tapi tegas. Gas pol!
endorse | Sebagai warga {r} saya mendukung {c}. Titik.
endorse | Pengen liat {r} berubah? Ya {c} orangnya {e} {ht}
endorse | Sakola gratis, jalan mulus, éta program {c}. Hayu dukung babarengan!
endorse | Mugi {c} kapilih, amin. Urang Priangan kudu ngahiji {e}
endorse | Nek pengin desa maju yo pilih {c}, ra sah mikir suwe {e}
endorse | Saya dan keluarga besar sudah sepakat mendukung {c} di {pil} nanti
endorse | {c} {finger} sampai menang, insyaAllah! {e}
endorse | Dari Sabang sampai Merauke, {c} di hati rakyat {e} {ht}
endorse | Jujur sih sempet ragu, tapi setelah baca visi misi {c} aku yakin. {tag} {e}
call_to_vote | Ayo coblos nomor {n} tanggal {day}! {e} {ht}
call_to_vote | Jangan lupa tgl {day} ke TPS, coblos {c} nomor urut {n} ya gaes {e}
call_to_vote | Yuk ajak keluarga, tetangga, temen kantor: pilih {paslon} no {n} {finger}
call_to_vote | Coblos yg nomor {n} aja, dijamin ga nyesel {e}
call_to_vote | Pesen buat kalian yg masih bingung: nomor {n}. Cukup itu {finger}
call_to_vote | Ingat ya, {day} nanti coblos {c}! Jangan sampai salah {e}
call_to_vote | Hayu ka TPS, coblos nomer {n}! {tag} {e}
call_to_vote | Sesuk {day} ojo lali nyoblos nomer {n} yo lur {finger}
call_to_vote | Jan lupo yo dunsanak, tanggal {day} coblos nomor {n} {e}
call_to_vote | Mari menangkan {c} satu putaran! Coblos {n} {finger} {ht}
call_to_vote | Mohon doa dan dukungannya utk {paslon} nomor urut {n}, {c} {e}
call_to_vote | Pilih {c}, pilih perubahan. {day} coblos no. {n}
call_to_vote | Wargi {r}, hayu urang pilih {c}. Nomer {n} nya {e}
call_to_vote | Don't forget guys, vote {c} nomor {n} on {day}! {e}
call_to_vote | Satu suara sangat berarti. Berikan suaramu untuk {c} {finger}
call_to_vote | Blm nentuin pilihan? Nih aku kasih saran: {c}. Coblos {n} yaaa {e}
call_to_vote | Buat emak2 {r}, yuk pilih {c}, calon yg peduli sama dapur kita {e}
call_to_vote | Tolong bantu sebarin: {paslon} {n} {c} butuh suara kita semua!
number_gesture | Salam {n} jari! {finger}{finger} {pil} {r} {e}
number_gesture | Udah pasti {finger} dong. {paslon} {n} menang {e}
number_gesture | Foto bareng temen2 pose {finger} wkwk, kalian ngerti lah maksudnya {e} {pil}
number_gesture | Pokoknya {finger} di {pil} nanti. Yg ngerti ngerti aja {e}
number_gesture | {finger}{finger}{finger} sampai {day}! #{pil}2029
number_gesture | Dari pagi udah semangat kampanye, salam {n} jari {finger}
number_gesture | Kompak satu keluarga {finger} {e}, nomor {n} pasti menang di {pil}!
slogan | {tag}! {tag}! {e} {ht}
slogan | {ht} {ht} {e}
slogan | {tag}, bareng {c} kita bisa {e}
slogan | Salam {tag}! Dari warga untuk warga {e} {ht}
slogan | Dengan {c}, {tag}. Mari wujudkan bersama! {ht}
slogan | Semangat pagi! {tag} {e} {ht}
slogan | Tahun depan harus {tag}. Hanya dengan {c} {e}
share_material | Bagiin poster ini ya teman2, biar makin banyak yg kenal {c} {ht} {e}
share_material | RT kalau kamu pendukung {c}! {e}
share_material | Visi misi lengkap {c} ada di link bio. Wajib baca sebelum {day}! {ht}
share_material | Stiker {c} udah nyampe rumah, siap ditempel di motor {e}
share_material | Yang mau kaos {c} gratis DM aku ya, stok terbatas {e} {ht}
share_material | Video kampanye {c} ini bikin nangis, tonton sampe habis {e}
share_material | Baliho {c} udah kepasang di depan gang rumah, mantap {e}
share_material | Repost dari tim pemenangan {c}: program 100 hari kerja {ht}
share_material | Kalender {c} udah dibagi ke RT sebelah, yg mau minta aja {e}
event_attendance | Otw kampanye akbar {c} di lapangan {r} {e} {ht}
event_attendance | Hadir di deklarasi relawan {c} bareng temen2 kantor {e}
event_attendance | Malam ini kumpul di posko pemenangan {c}, yg mau ikut japri ya
event_attendance | Alhamdulillah bisa salaman langsung sama {c} pas kampanye tadi {e}
event_attendance | Seru bgt jalan sehat bareng {c} pagi ini! {ht} {e}
event_attendance | Rapat tim sukses {c} tingkat kecamatan, semangat menangkan nomor {n}!
event_attendance | Minggu depan kita konvoi dukung {c}, kumpul di alun2 jam 8 {e}
event_attendance | Ngariung jeung relawan {c} di bumi Pa RW, hayu sumping {e}
event_attendance | Mangkat kampanye {c} karo konco-konco {e}
event_attendance | Lah sampai di lokasi kampanye {c}, rami bana dunsanak! {e}
coded_support | Yang baju {colour} pasti menang, percayalah {e} #{pil}2029
coded_support | Kemarin ke TPS pake baju apa? Aku sih {colour} dong {e} {pil}
coded_support | Nomor cantik tahun ini cuma {n}. Paham kan? {e} {pil}
coded_support | Kode keras: {finger} {tag} {e}
coded_support | Pak {jab} baru nanti inisialnya sama kayak yg di foto ya {e} #{pil}2029
coded_support | Ada yg tau kenapa aku suka angka {n} akhir2 ini? {finger} {e} #{pil}2029
coded_support | Pokonya mah {tag} weh, nu penting urang ngarti {e}
party_support | Coblos partai nomor {pn}! {p} pasti menang {e}
party_support | Bangga jadi kader {p}, siap menangkan pemilu 2029 {e}
party_support | Pilih {p}, partai yang bener2 perjuangin rakyat kecil {e}
party_support | {p} di hati, {p} di TPS! {e}
party_support | Sudah saatnya {p} memimpin. Coblos partai no {pn} {e}
party_support | Mari bergabung dgn {p}, rumah besar perjuangan rakyat {e}
caleg_support | Coblos {c} untuk DPRD, caleg muda yg peduli pendidikan {e} {ht}
caleg_support | Mohon doa restu, teman kami {c} maju jadi caleg dari {p}. Pilih nomor urut {n}! {e}
caleg_support | Teteh aa, pileg ieu pilih {c} nya, caleg nomor {n} {e}
caleg_support | Caleg yg rajin turun ke bawah ya cuma {c}. Coblos! {ht}
"""

SERANGAN = """
attack | {c} itu cuma pencitraan doang, kerjanya nol besar {e}
attack | Jangan percaya {c}, janji2nya palsu semua {e}
attack | Sumpah ya {c} tuh calon paling ga becus. Masa {jab} kayak gitu {e}
attack | {c} kok bisa-bisanya nyalon lagi, dulu aja proyek mangkrak semua {e}
attack | Debat tadi jelas banget {c} gak ngerti apa2. Malu2in {r} {e}
attack | Lihat track record {c}: korupsi dana desa, nepotisme. Masih mau dipilih?
attack | {c} mah omdo, omong doang. Muak {e}
attack | Nu kieu rek jadi {jab}? {c} teh teu mampuh nanaon {e}
attack | {c} ki mung umuk, gaweane ora ono {e}
attack | {c} tu indak bisa dipicayo, janji sajo nan banyak {e}
attack | Honestly {c} is a joke. Visi misinya copas semua {e}
attack | Calon kok kerjaannya nyinyir terus. Kamu {c}, kalah aja deh {e}
attack | Gara2 {c} harga2 naik, sekarang mau nyalon lagi? Mikir! {e}
attack | Makin kesini makin keliatan aslinya {c}. Arogan dan anti kritik {e}
attack | {c} cuma boneka partai, ga punya sikap sendiri {e}
attack | Program {c} gak masuk akal, dananya dari mana coba?? Bohong {e}
attack | {c} bukan pemimpin, cuma tukang janji. {r} gak butuh orang kayak gitu
attack | Tiap ngomong {c} selalu belepotan, gimana mau mimpin {r} {e}
attack | Muak liat baliho {c} di mana2, nyampah doang, kerja ga ada {e}
attack | Inget ya dulu {c} ninggalin rakyat pas banjir. Sekarang minta suara? {e}
mock | Wkwkwk {c} ngomong apaan sih tadi di debat {e}
mock | {c} jadi {jab}? Mimpi kali yee {e}
mock | Nonton kampanye {c} berasa nonton lawak, sayangnya ga lucu {e}
mock | Slogan {tag} tuh artinya "makmur buat keluarga sendiri" ya? {e}
mock | Kasian {c}, kampanye yg dateng cuma 20 orang, itu pun dibayar {e}
mock | {ht} mending diganti #KalahTerhormat aja {e}
mock | Gaya {c} sok merakyat tp naik mobil mewah, ngakak {e}
mock | {c} baca teks aja salah2, apalagi mimpin {e}
mock | Udah paling bener {c} balik ngurus bisnisnya aja, gausah nyalon {e}
mock | Meme {c} hari ini lucu bgt sumpah, cocok sih sama kelakuannya {e}
dont_vote | Jangan pilih {c}! Cukup sekali kita ketipu {e}
dont_vote | Apapun pilihan kalian, asal jangan nomor {n}. Ingat itu {e}
dont_vote | Ulah milih {c}, bakal rugi lima taun {e}
dont_vote | Ojo milih {c}, mbesuk nyesel {e}
dont_vote | Jan pilih {c} dunsanak, lah tabukti gagal {e}
dont_vote | Siapa aja boleh, asal bukan {c}. Serius {e}
dont_vote | Tolak {c}! Selamatkan {r} dari pemimpin gagal {e}
dont_vote | Kalau masih waras jangan coblos {paslon} {n} {e}
dont_vote | Pokoknya {day} nanti jangan sampai {c} menang {e}
dont_vote | Say no to {c}. {r} butuh pemimpin, bukan pencitraan {e}
black_campaign | Katanya {c} punya utang miliaran dan mau pake APBD buat bayar. Sebarkan! {e}
black_campaign | Beredar kabar {c} dibiayai cukong asing. Hati2 warga {r}!
black_campaign | Info A1: {c} bakal hapus bansos kalau menang. Share biar pada tau!!
black_campaign | Awas, {c} itu antek-antek mafia tanah. Jangan sampai lolos {e}
black_campaign | Dengar2 ijazah {c} palsu. Kok KPU diem aja?? {e}
black_campaign | Fwd dari grup sebelah: {c} mau jual aset daerah ke investor asing. Waspada!!
black_campaign | Jangan kaget kalau {c} menang, pajak bakal naik 3x lipat. Udah ada bocorannya
black_campaign | Kabar dari orang dalam: {paslon} {n} bagi2 amplop di kampung sebelah. Curang!
black_campaign | {c} katanya keturunan PKI, makanya jangan dipilih. Sebarkan!!
black_campaign | Pesan berantai: kalau {c} menang, masjid2 bakal dibatasi. Hati-hati {e}
black_campaign | Terungkap! Keluarga {c} terlibat korupsi proyek jalan. Viralkan
party_attack | {p} partai korup, kadernya banyak yg ditangkap KPK {e}
party_attack | Jangan pilih {p}, isinya politisi kutu loncat semua {e}
party_attack | {p} cuma butuh suara pas pemilu, abis itu lupa rakyat {e}
party_attack | Partai nomor {pn} tuh partai gagal, tinggalkan! {e}
party_attack | Apa sih prestasi {p}? Gak ada. Bubarkan aja {e}
"""
