// dicom.cc: see dicom.h. The only C++ in ctmake: GDCM behind a C ABI. No exception or C++
// type crosses the boundary.
extern "C" {
#include "budget.h"
#include "charset.h"
#include "err.h"
}
#include "dicom.h"

#include <gdcmDict.h>
#include <gdcmDicts.h>
#include <gdcmGlobal.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfFragments.h>
#include <gdcmStringFilter.h>
#include <gdcmTrace.h>

#include <ext/stdio_filebuf.h>

#include <algorithm>
#include <csetjmp>
#include <cerrno>
#include <climits>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>
#include <zlib.h>

// A file GDCM reads through a stream of ours, not through the ifstream its reader would open:
// when GDCM aborts, the jump out of it (see on_abort) leaves GDCM's objects as they are, and an
// ifstream of theirs would keep its descriptor; this one is closed (drop_input), so a folder of
// such files cannot use up the process's descriptors (one each: 20,000 ran ct-sort out).
struct input {
	int fd;
	__gnu_cxx::stdio_filebuf<char> *buf;
	std::istream *in;
	~input()
	{
		delete in;
		delete buf; // closes fd
	}
};

static input *open_input(const char *path)
{
	input *p = new (std::nothrow) input{open(path, O_RDONLY | O_CLOEXEC), nullptr, nullptr};
	if (!p)
		return nullptr;
	if (p->fd < 0 || !(p->buf = new (std::nothrow) __gnu_cxx::stdio_filebuf<char>(p->fd, std::ios::in | std::ios::binary)) ||
	    !p->buf->is_open() || !(p->in = new (std::nothrow) std::istream(p->buf))) {
		if (p->fd >= 0 && !(p->buf && p->buf->is_open()))
			close(p->fd);
		delete p;
		return nullptr;
	}
	return p;
}

struct ct_dicom {
	input *file = nullptr; // what reader reads
	gdcm::Reader reader;
	gdcm::StringFilter filter;
	long long pixel_bytes, pixel_offset;
	std::string charset; // (0008,0005) SpecificCharacterSet as stored: text values are in it
	~ct_dicom() { delete file; }
};

#define DEFLATED_TS "1.2.840.10008.1.2.1.99"

static gdcm::Tag to_tag(uint32_t tag)
{
	return gdcm::Tag((uint16_t)(tag >> 16), (uint16_t)(tag & 0xffff));
}


// ---- allocations held to the file's size ----------------------------------------------------
// GDCM sizes a value's buffer from the element's declared length before it reads a byte of it:
// a length mutated to 0xF0000000 cost 3.9 GB for a 3 KB file, on every thread. While GDCM reads
// a file, each C++ allocation of that thread is held to a limit that follows from the file's
// real size (a value is no longer than the file; a Deflated one no longer than the file
// inflates to, at most 1032 times) or, while decoding, from the frame the caller expects. A
// larger request throws std::bad_alloc, which GDCM takes as a failed read, and is remembered
// for the message. (The operators below replace the global ones: outside GDCM no limit is set
// and they are plain malloc and free.)
static thread_local size_t alloc_limit;   // 0: none (this thread is not inside GDCM)
static thread_local size_t alloc_refused; // the largest request refused under the limit

#define ALLOC_SLACK ((size_t)1 << 20) // GDCM's own fixed-size buffers, and its codecs'
// A header read needs no more than the file and GDCM's stream buffers. Its slack is kept small
// because what GDCM allocated is lost when it aborts: a value claiming 62 KB in a 1.7 KB file
// that then made GDCM assert cost 63 KB a file (make fuzz's series run grew by 1 GB in 16 min).
#define HEADER_SLACK ((size_t)16 << 10)
#define DEFLATE_MAX_RATIO 1032

static void *checked_alloc(std::size_t n)
{
	if (alloc_limit && n > alloc_limit) {
		if (n > alloc_refused)
			alloc_refused = n;
		throw std::bad_alloc();
	}
	void *p = std::malloc(n ? n : 1);
	if (!p)
		throw std::bad_alloc();
	return p;
}

static void *checked_alloc_nothrow(std::size_t n) noexcept
{
	try {
		return checked_alloc(n);
	} catch (...) {
		return nullptr;
	}
}

void *operator new(std::size_t n) { return checked_alloc(n); }
void *operator new[](std::size_t n) { return checked_alloc(n); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept { return checked_alloc_nothrow(n); }
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return checked_alloc_nothrow(n); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

// The limit for reading path (see above) with slack for GDCM's own buffers, its size into *size.
static size_t read_limit(const char *path, bool deflated, size_t slack, long long *size)
{
	struct stat st;
	*size = stat(path, &st) == 0 ? (long long)st.st_size : 0;
	size_t n = (size_t)*size;
	return (deflated ? n * DEFLATE_MAX_RATIO : n) + slack;
}

static void limit_allocations(size_t limit)
{
	alloc_limit = limit;
	alloc_refused = 0;
}

// LeakSanitizer's switch, when the program runs under it (weak: null otherwise). What GDCM
// allocates is GDCM's to free; when it aborts, the jump out of it (see on_abort) loses what its
// frames held, by design, and no stack of those allocations is reliable enough to suppress
// (GDCM, zlib and libstdc++ keep no frame pointers). So leaks are not tracked inside GDCM;
// everything of ours is allocated outside it.
extern "C" void __lsan_disable(void) __attribute__((weak));
extern "C" void __lsan_enable(void) __attribute__((weak));
extern "C" void __lsan_ignore_object(const void *p) __attribute__((weak));

// Debian's GDCM keeps its assertions: some malformed files make it call abort(). A thread
// inside GDCM sets `guard`; the SIGABRT handler then jumps back to it, and the file counts as
// unreadable instead of taking the process down (glibc's abort() releases its lock before
// raising, so leaving the handler by a jump is safe). What GDCM allocated for that file is
// lost (and not tracked as a leak: enter_gdcm below): a small leak on a rare path, preferred to
// losing a whole run.
static thread_local sigjmp_buf *guard;

// An object GDCM was working in when it aborted: left as it is (no destructor can run on what
// a jump left half-done), and no leak for LeakSanitizer to report.
static void abandon(void *p)
{
	if (__lsan_ignore_object)
		__lsan_ignore_object(p);
}

// An input GDCM aborted in. Unlike GDCM's own objects it can be freed: GDCM only calls it
// through the istream interface, and no call of it is under way when GDCM asserts (its
// filebuf's only work is read(2)); deleting it closes the descriptor.
static void drop_input(input *p)
{
	delete p;
}

static void on_abort(int sig)
{
	if (guard)
		siglongjmp(*guard, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

// Entering GDCM for path: allocations held to limit, not tracked as leaks, and a CPU budget of
// ms (see budget.h). Leaving it: all undone.
static void enter_gdcm(sigjmp_buf *here, size_t limit, long ms, const char *path)
{
	if (__lsan_disable)
		__lsan_disable();
	guard = here;
	limit_allocations(limit);
	ct_budget_start(here, ms, path);
}

static void leave_gdcm(void)
{
	ct_budget_stop();
	limit_allocations(0);
	guard = nullptr;
	if (__lsan_enable)
		__lsan_enable();
}

extern "C" void ct_dicom_init(void)
{
	static bool done;
	if (!done) {
		// The codecs GDCM decodes with, and zlib (GDCM's Deflate): where a budget may end. Not
		// OpenJPEG: GDCM has it decode on a pool of its own threads, whose jobs and locks a jump
		// would leave half done (make fuzz: its allocations leaked, and ASan then found its heap
		// metadata overwritten); a JPEG 2000 slice over budget meets the last resort instead.
		static const char *const codecs[] = {"libcharls", "libgdcmjpeg", "libz.so", nullptr};
		ct_budget_init(codecs);
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_abort;
		sigaction(SIGABRT, &sa, nullptr);
		done = true;
	}
	// Our messages name the file and the tag; GDCM's own notes on stderr would only add noise.
	gdcm::Trace::SetWarning(false);
	gdcm::Trace::SetDebug(false);
	gdcm::Trace::SetError(false);
	gdcm::Global::GetInstance().GetDicts();
	ct_dicom_tag_of("Rows");
}

// Where PixelData's value starts and how many bytes follow it to the end of the file: 0 bytes
// when the header read ran to the end without meeting PixelData, -1 when positions are in an
// inflated stream.
static void pixel_place(ct_dicom *d, const char *path)
{
	char ts[80];
	d->pixel_bytes = d->pixel_offset = -1;
	if (ct_dicom_text(d, CT_TAG(0x0002, 0x0010), ts, sizeof ts) >= 0 && strcmp(ts, DEFLATED_TS) == 0)
		return;
	struct stat st;
	size_t pos = d->reader.GetStreamCurrentPosition();
	if (stat(path, &st) != 0 || pos == (size_t)-1 || (long long)pos >= (long long)st.st_size) {
		d->pixel_bytes = 0;
		return;
	}
	d->pixel_offset = (long long)pos;
	d->pixel_bytes = (long long)st.st_size - (long long)pos;
}

extern "C" long long ct_dicom_pixel_bytes(const ct_dicom *d)
{
	return d->pixel_bytes;
}

extern "C" long long ct_dicom_pixel_offset(const ct_dicom *d)
{
	return d->pixel_offset;
}

// What a read refused to allocate: the request and the last element read before it.
typedef struct {
	size_t bytes;
	uint32_t after; // 0: none read yet
	bool spent;     // the CPU budget ran out
} refusal;

static uint32_t last_tag(const gdcm::DataSet &ds)
{
	if (ds.IsEmpty())
		return 0;
	const gdcm::Tag &t = ds.GetDES().rbegin()->GetTag();
	return CT_TAG(t.GetGroup(), t.GetElement());
}

// Where a header read that failed broke: after the last element GDCM could read.
static std::string broke_after(const gdcm::File &f)
{
	uint32_t t = last_tag(f.GetDataSet());
	if (!t)
		t = last_tag(f.GetHeader());
	if (!t)
		return "cannot be read from its start";
	char s[160];
	snprintf(s, sizeof s, "cannot be read after (%04X,%04X) %s", (unsigned)(t >> 16), (unsigned)(t & 0xffff),
	         ct_dicom_keyword_of(t));
	return s;
}

// The CPU budget (ms) of reading a file of bytes and decoding a frame of pixels: the base, and
// 1 ms a kB and a thousand pixels, some ten times what the slowest codec needs on honest data.
static long budget_ms(long long bytes, long long pixels)
{
	return ct_budget_base_ms() + (long)(bytes / 1000) + (long)(pixels / 1000);
}

static std::string over_budget(long ms)
{
	char s[120];
	snprintf(s, sizeof s, "took more than its CPU budget (%.1f s; a hostile or corrupt file)", ms / 1000.0);
	return s;
}

// Read up to PixelData; with skip, PixelData's value is skipped and the stream left where it
// starts. A Deflated stream cannot seek past a value: there skip fails and the value is read.
// Allocations are held to limit, CPU to ms; what was refused goes to *r. On another failure, why
// says where the header broke.
static ct_dicom *read_header(const char *path, bool skip, size_t limit, long ms, refusal *r, std::string &why)
{
	ct_dicom *d = new (std::nothrow) ct_dicom;
	if (!d)
		return nullptr;
	if (!(d->file = open_input(path))) {
		why = std::string("cannot be opened: ") + strerror(errno);
		delete d;
		return nullptr;
	}
	d->reader.SetStream(*d->file->in);
	const gdcm::Tag pixels(0x7fe0, 0x0010);
	// Made once: a set built here would be lost when GDCM aborts (nothing unwinds a jump).
	static const std::set<gdcm::Tag> skip_pixels{pixels};
	bool ok = false;
	sigjmp_buf here;
	if (int jumped = sigsetjmp(here, 1)) {
		leave_gdcm();
		drop_input(d->file);
		d->file = nullptr;
		abandon(d); // GDCM aborted or ran out of time: d is left as it was (see on_abort)
		r->spent = jumped == CT_BUDGET_SPENT;
		why = r->spent ? over_budget(ms) : "breaks GDCM's reader (an internal assertion failed)";
		return nullptr;
	}
	enter_gdcm(&here, limit, ms, path);
	try {
		ok = skip ? d->reader.ReadUpToTag(pixels, skip_pixels) : d->reader.ReadUpToTag(pixels);
	} catch (...) {
		ok = false;
	}
	if (alloc_refused > r->bytes) {
		r->bytes = alloc_refused;
		r->after = last_tag(d->reader.GetFile().GetDataSet());
	}
	size_t refused = alloc_refused;
	leave_gdcm();
	if (!ok || refused || d->reader.GetFile().GetDataSet().IsEmpty()) {
		why = broke_after(d->reader.GetFile());
		delete d;
		return nullptr;
	}
	d->filter.SetFile(d->reader.GetFile());
	pixel_place(d, path);
	const gdcm::DataSet &ds = d->reader.GetFile().GetDataSet();
	const gdcm::Tag cs(0x0008, 0x0005);
	if (ds.FindDataElement(cs) && ds.GetDataElement(cs).GetByteValue()) {
		const gdcm::ByteValue *bv = ds.GetDataElement(cs).GetByteValue();
		d->charset.assign(bv->GetPointer() ? bv->GetPointer() : "", bv->GetLength());
	}
	return d;
}

// ---- the File Meta group, looked at before GDCM reads it ---------------------------------------
// GDCM asserts (aborts) on some malformed files, DICOMDIRs among them; most of the asserts a
// fuzzer meets are in its reading of the File Meta group (0002,xxxx): an element cut short by
// the end of the file, a sequence or an undefined length in the group, a file ending right
// after it. An abort costs what GDCM had allocated for the file (15-30 KB, see on_abort), so
// the group is walked here first, as GDCM walks it, and such a file is refused before GDCM
// sees it. The group is explicit VR little endian (PS3.10); some old files have it implicit,
// which GDCM reads too: taken so when the first element has no VR.
typedef struct {
	std::string sop_class, transfer_syntax; // (0002,0002) MediaStorageSOPClassUID, (0002,0010)
	const char *problem;                     // nullptr when GDCM can read the group
	long long at;                            // the offset of the element at fault
	long long data_at;                       // where the data set starts (after the group)
} meta_info;

// The two bytes at v are one of the VRs in vrs (their names, run together).
static bool vr_in(const unsigned char *v, const char *vrs)
{
	for (const char *p = vrs; *p; p += 2)
		if (v[0] == (unsigned char)p[0] && v[1] == (unsigned char)p[1])
			return true;
	return false;
}

static bool is_vr(const unsigned char *v)
{
	return vr_in(v, "AEASATCSDADSDTFDFLISLOLTOBODOFOLOVOWPNSHSLSQSSSTSVTMUCUIULUNURUSUTUV");
}

// A VR whose length has 32 bits (GDCM's VR::VL32), after two reserved bytes.
static bool long_vr(const unsigned char *v)
{
	return vr_in(v, "OBODOFOLOVOWSQSVUCUNURUTUV");
}

static unsigned le16(const unsigned char *b) { return (unsigned)(b[0] | b[1] << 8); }
static uint32_t le32(const unsigned char *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }

// A UID value at offset at (len bytes), its padding removed.
static std::string uid_at(FILE *f, long long at, uint32_t len)
{
	char v[68];
	size_t n = len < sizeof v ? len : sizeof v;
	if (fseeko(f, at, SEEK_SET) != 0 || fread(v, 1, n, f) != n)
		return "";
	std::string uid(v, n);
	while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' '))
		uid.pop_back();
	return uid;
}

static void meta_fault(meta_info *m, const char *why, long long at)
{
	m->problem = why;
	m->at = at;
}

// The group 0002 elements from start (after the preamble, or 0 for a file without one).
static void walk_meta(FILE *f, long long size, long long start, meta_info *m)
{
	bool explicit_vr = true;
	for (long long p = start;; ) {
		unsigned char h[12];
		size_t n = size - p >= 12 ? 12 : size - p > 0 ? (size_t)(size - p) : 0;
		if (n < 4 || fseeko(f, p, SEEK_SET) != 0 || fread(h, 1, n, f) != n)
			return meta_fault(m, "the file ends before its data set", p);
		m->data_at = p;
		if (le16(h) != 0x0002)
			return; // the group's end
		if (p == start)
			explicit_vr = n >= 6 && is_vr(h + 4);
		size_t head = !explicit_vr ? 8 : long_vr(h + 4) ? 12 : 8;
		if (n < head)
			return meta_fault(m, "a File Meta element is cut short", p);
		if (explicit_vr && !is_vr(h + 4))
			return; // GDCM takes it as the group's end too (it throws, and reads on from there)
		if (explicit_vr && h[4] == 'S' && h[5] == 'Q')
			return meta_fault(m, "a sequence in the File Meta group", p);
		uint32_t len = head == 12 || !explicit_vr ? le32(h + head - 4) : le16(h + 6);
		if (len == 0xffffffffu)
			return meta_fault(m, "an undefined length in the File Meta group", p);
		long long at = p + (long long)head;
		if (at + len > size)
			return meta_fault(m, "a File Meta element is cut short", p);
		if (le16(h + 2) == 0x0002)
			m->sop_class = uid_at(f, at, len);
		else if (le16(h + 2) == 0x0010)
			m->transfer_syntax = uid_at(f, at, len);
		p = at + len;
	}
}

// A Deflated data set must be one whole deflate stream: on a stream cut short, GDCM's inflating
// stream never reports its end and the header read spins for ever (make fuzz: an 810-byte file,
// over 100 s). So it is inflated here first, to nowhere, with zlib: a few ms for a slice, paid
// by Deflated files only (rare in CT).
static void check_deflated(FILE *f, meta_info *m)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return meta_fault(m, "the Deflated data set cannot be inflated (out of memory)", m->data_at);
	static thread_local unsigned char in[16384], out[65536];
	int rc = fseeko(f, m->data_at, SEEK_SET) == 0 ? Z_OK : Z_ERRNO;
	while (rc == Z_OK) {
		if (z.avail_in == 0) {
			z.avail_in = (uInt)fread(in, 1, sizeof in, f);
			z.next_in = in;
			if (z.avail_in == 0)
				break; // the file ends before the stream does
		}
		z.next_out = out;
		z.avail_out = sizeof out;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			rc = Z_OK; // wants more input
	}
	inflateEnd(&z);
	if (rc == Z_OK)
		meta_fault(m, "the Deflated data set is cut short (its deflate stream does not end)", m->data_at);
	else if (rc != Z_STREAM_END)
		meta_fault(m, "the Deflated data set is not a valid deflate stream", m->data_at);
}

// What a file is, from its first bytes: a Part 10 file has "DICM" after its 128-byte preamble;
// a bare data set starts with an element of group 0002 or 0008 (little or big endian). m (may
// be null) gets what the File Meta group holds and whether GDCM can read it.
static ct_dicom_kind sniff(const char *path, bool *deflated, meta_info *m = nullptr)
{
	unsigned char b[132];
	meta_info own = {"", "", nullptr, 0, 0};
	if (!m)
		m = &own;
	*deflated = false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return CT_DICOM_UNREADABLE;
	struct stat st;
	long long size = fstat(fileno(f), &st) == 0 ? (long long)st.st_size : 0;
	size_t n = fread(b, 1, sizeof b, f);
	ct_dicom_kind kind = CT_DICOM_NOT;
	if (n == 132 && memcmp(b + 128, "DICM", 4) == 0) {
		walk_meta(f, size, 132, m);
		kind = m->sop_class == "1.2.840.10008.1.3.10" ? CT_DICOM_DICOMDIR : CT_DICOM_FILE;
	} else if (n >= 8) {
		unsigned le = le16(b), be = (unsigned)(b[0] << 8 | b[1]);
		if (le == 0x0002)
			walk_meta(f, size, 0, m);
		kind = le == 0x0002 || le == 0x0008 || be == 0x0008 ? CT_DICOM_FILE : CT_DICOM_NOT;
	}
	*deflated = m->transfer_syntax == DEFLATED_TS;
	if (*deflated && kind == CT_DICOM_FILE && !m->problem)
		check_deflated(f, m);
	fclose(f);
	return kind;
}

// "x.dcm: a File Meta element is cut short (at byte 212): not read".
static ct_code bad_meta(const char *path, const meta_info *m)
{
	return ct_fail(CT_EDATA, "%s: %s (at byte %lld): not read", path, m->problem, m->at);
}

extern "C" ct_dicom_kind ct_dicom_sniff(const char *path)
{
	bool deflated;
	return sniff(path, &deflated);
}

// "x.dcm: the data element after (0008,1030) StudyDescription claims 4026531840 bytes, more than
// the file holds (3210 bytes)". GDCM does not say which element it was reading; the last one it
// read (at the top level) is the nearest name there is.
static ct_code too_large(const char *path, const refusal *r, long long size, bool deflated)
{
	char which[96] = "the first data element";
	if (r->after)
		snprintf(which, sizeof which, "the data element after (%04X,%04X) %s", (unsigned)(r->after >> 16),
		         (unsigned)(r->after & 0xffff), ct_dicom_keyword_of(r->after));
	return ct_fail(CT_EDATA, "%s: %s claims %zu bytes, more than the file %s (%lld bytes)", path, which,
	               r->bytes, deflated ? "can inflate to" : "holds", deflated ? size * DEFLATE_MAX_RATIO : size);
}

extern "C" ct_code ct_dicom_open(const char *path, ct_dicom **out)
{
	*out = nullptr;
	bool deflated;
	meta_info m = {"", "", nullptr, 0, 0};
	switch (sniff(path, &deflated, &m)) {
	case CT_DICOM_UNREADABLE: return ct_fail_errno(CT_EDATA, "%s", path);
	case CT_DICOM_NOT: return ct_fail(CT_EDATA, "%s: not a DICOM file", path);
	case CT_DICOM_DICOMDIR: return ct_fail(CT_EDATA, "%s: a DICOMDIR, not an image", path);
	case CT_DICOM_FILE: break;
	}
	if (m.problem)
		return bad_meta(path, &m);
	long long size;
	size_t limit = read_limit(path, deflated, HEADER_SLACK, &size);
	refusal r = {0, 0, false};
	std::string why;
	long ms = budget_ms(size, 0);
	ct_dicom *d = read_header(path, true, limit, ms, &r, why);
	if (!d && !r.bytes && !r.spent)
		d = read_header(path, false, limit, ms, &r, why);
	*out = d;
	if (!d && r.bytes)
		return too_large(path, &r, size, deflated);
	return d ? CT_OK : ct_fail(CT_EDATA, "%s: not a readable DICOM file: its header %s", path, why.c_str());
}

extern "C" void ct_dicom_close(ct_dicom *d)
{
	delete d;
}

static const gdcm::DataSet &set_of(const ct_dicom *d, uint32_t tag)
{
	const gdcm::File &f = d->reader.GetFile();
	return (tag >> 16) == 0x0002 ? f.GetHeader() : f.GetDataSet();
}

extern "C" int ct_dicom_has(const ct_dicom *d, uint32_t tag)
{
	return set_of(d, tag).FindDataElement(to_tag(tag));
}

extern "C" int ct_dicom_text(const ct_dicom *d, uint32_t tag, char *buf, size_t cap)
{
	if (cap)
		buf[0] = 0;
	if (!ct_dicom_has(d, tag))
		return -1;
	std::string s;
	const char *vr = "";
	try {
		const gdcm::DataElement &de = set_of(d, tag).GetDataElement(to_tag(tag));
		s = d->filter.ToString(de);
		vr = gdcm::VR::GetVRString(de.GetVR());
		if (!vr || !strcmp(vr, "INVALID") || !strcmp(vr, "UN"))
			vr = ct_dicom_vr_of(tag); // implicit VR: the dictionary's
	} catch (...) {
		s.clear();
	}
	size_t n = s.size();
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\0'))
		n--;
	// Text in the file's SpecificCharacterSet, as UTF-8 (lib/charset.h).
	char *u = ct_charset_to_utf8(d->charset.c_str(), vr ? vr : "", s.data(), n);
	n = u ? strlen(u) : 0;
	if (cap == 0) {
		free(u);
		return (int)n;
	}
	if (n >= cap) {
		n = cap - 1;
		while (n && ((unsigned char)u[n] & 0xc0) == 0x80)
			n--; // not inside a UTF-8 sequence
	}
	if (n)
		memcpy(buf, u, n);
	buf[n] = 0;
	free(u);
	return (int)n;
}

extern "C" int ct_dicom_numbers(const ct_dicom *d, uint32_t tag, double *v, int n)
{
	char buf[1024];
	if (ct_dicom_text(d, tag, buf, sizeof buf) < 0)
		return -1;
	int got = 0;
	char *p = buf;
	while (got < n && *p) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || !std::isfinite(x)) /* "inf", "nan", 1e999: no number a header means */
			break;
		v[got++] = x;
		p = end;
		while (*p == ' ')
			p++;
		if (*p != '\\')
			break;
		p++;
	}
	return got;
}

extern "C" int ct_dicom_int(const ct_dicom *d, uint32_t tag, int fallback)
{
	double v;
	if (ct_dicom_numbers(d, tag, &v, 1) != 1 || !(v > INT_MIN && v < INT_MAX))
		return fallback;
	return (int)v;
}

extern "C" uint32_t ct_dicom_tag_of(const char *keyword)
{
	const gdcm::Dict &dict = gdcm::Global::GetInstance().GetDicts().GetPublicDict();
	gdcm::Tag t(0xffff, 0xffff);
	const gdcm::DictEntry &e = dict.GetDictEntryByKeyword(keyword, t);
	if (t == gdcm::Tag(0xffff, 0xffff) || !e.GetKeyword() || strcmp(e.GetKeyword(), keyword) != 0)
		return 0;
	return CT_TAG(t.GetGroup(), t.GetElement());
}

extern "C" const char *ct_dicom_keyword_of(uint32_t tag)
{
	const gdcm::Dict &dict = gdcm::Global::GetInstance().GetDicts().GetPublicDict();
	const char *k = dict.GetDictEntry(to_tag(tag)).GetKeyword();
	return k ? k : "";
}

extern "C" const char *ct_dicom_vr_of(uint32_t tag)
{
	const gdcm::Dict &dict = gdcm::Global::GetInstance().GetDicts().GetPublicDict();
	const char *vr = gdcm::VR::GetVRString(dict.GetDictEntry(to_tag(tag)).GetVR());
	return vr && strcmp(vr, "INVALID") != 0 ? vr : "";
}

extern "C" void ct_dicom_stored_values(const void *raw, size_t n, int bits_alloc, int bits_stored,
                                       int is_signed, int32_t *out)
{
	const unsigned char *b = (const unsigned char *)raw;
	unsigned stored = bits_stored > 0 && bits_stored < bits_alloc ? (unsigned)bits_stored : (unsigned)bits_alloc;
	uint32_t mask = stored >= 32 ? 0xffffffffu : (1u << stored) - 1;
	uint32_t sign = stored >= 32 ? 0 : 1u << (stored - 1);
	if (bits_alloc == 16 && stored == 16) { // the common case, kept simple enough to vectorise
		for (size_t i = 0; i < n; i++) {
			uint16_t w = (uint16_t)(b[2 * i] | b[2 * i + 1] << 8);
			out[i] = is_signed ? (int32_t)(int16_t)w : (int32_t)w;
		}
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		switch (bits_alloc) {
		case 8: u = b[i]; break;
		case 16: u = (uint32_t)(b[2 * i] | b[2 * i + 1] << 8); break;
		default: memcpy(&u, b + 4 * i, 4); break;
		}
		u &= mask;
		if (is_signed && (u & sign))
			u |= ~mask;
		out[i] = (int32_t)u;
	}
}

static ct_code cannot_decode(const char *path, const char *why)
{
	return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: %s", path, why);
}

// The image GDCM read must be the frame the caller expects, checked before its buffer is sized.
static ct_code check_frame(const char *path, const gdcm::Image &img, int rows, int cols)
{
	const unsigned *dims = img.GetDimensions();
	const gdcm::PixelFormat &pf = img.GetPixelFormat();
	unsigned bits = pf.GetBitsAllocated();
	if (pf.GetSamplesPerPixel() != 1 || (bits != 8 && bits != 16 && bits != 32))
		return ct_fail(CT_EDATA, "%s: %u samples of %u bits per pixel: not a CT image", path,
		               (unsigned)pf.GetSamplesPerPixel(), bits);
	if (img.GetNumberOfDimensions() > 2 && dims[2] > 1)
		return ct_fail(CT_EDATA, "%s: (0028,0008) NumberOfFrames: %u frames (multi-frame "
		               "images are not supported)", path, dims[2]);
	if ((long long)dims[0] != cols || (long long)dims[1] != rows)
		return ct_fail(CT_EDATA, "%s: pixel data is %ux%u, expected %dx%d", path, dims[0],
		               dims[1], cols, rows);
	return CT_OK;
}

// Uncompressed PixelData shorter than its frame: GDCM's RAW codec would copy the frame's length
// out of the shorter value (a heap read overflow found by make fuzz), so it is refused first.
static ct_code check_native_length(const char *path, const gdcm::DataSet &ds, const gdcm::Image &img)
{
	const gdcm::ByteValue *bv = ds.GetDataElement(gdcm::Tag(0x7fe0, 0x0010)).GetByteValue();
	if (bv && bv->GetLength() < img.GetBufferLength())
		return ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: %u bytes where the frame needs %lu (file truncated "
		               "or corrupt)", path, (unsigned)bv->GetLength(), (unsigned long)img.GetBufferLength());
	return CT_OK;
}

// The sample precision a JPEG stream's frame header (SOFn) declares, walking its markers from
// SOI; 0 when there is none before the scan or the bytes end.
static unsigned jpeg_precision(const unsigned char *b, size_t n)
{
	if (n < 4 || b[0] != 0xff || b[1] != 0xd8)
		return 0;
	for (size_t i = 2; i + 4 < n;) {
		if (b[i] != 0xff)
			return 0;
		unsigned m = b[i + 1];
		if (m == 0xff) { // fill byte
			i++;
			continue;
		}
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { // standalone markers
			i += 2;
			continue;
		}
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc)
			return b[i + 4];
		if (m == 0xda)
			return 0;
		i += 2 + ((size_t)b[i + 2] << 8 | b[i + 3]);
	}
	return 0;
}

// GDCM's JPEG codec (transfer syntaxes 1.2.840.10008.1.2.4.50 to .70) has decoders for up to 16
// bits of precision; a stream declaring more leaves it with none, and it dereferences the null
// (make fuzz: a frame header claiming 182 bits). So the first fragment's is looked at first.
static ct_code check_jpeg_precision(const char *path, const gdcm::File &f)
{
	const char *ts = f.GetHeader().GetDataSetTransferSyntax().GetString();
	const char *family = "1.2.840.10008.1.2.4.";
	int kind = ts && strncmp(ts, family, strlen(family)) == 0 ? atoi(ts + strlen(family)) : 0;
	const gdcm::DataElement &px = f.GetDataSet().GetDataElement(gdcm::Tag(0x7fe0, 0x0010));
	const gdcm::SequenceOfFragments *sf = px.GetSequenceOfFragments();
	if (kind < 50 || kind > 70 || !sf || sf->GetNumberOfFragments() == 0)
		return CT_OK;
	const gdcm::ByteValue *bv = sf->GetFragment(0).GetByteValue();
	unsigned p = bv && bv->GetPointer() ? jpeg_precision((const unsigned char *)bv->GetPointer(), bv->GetLength()) : 0;
	if (p > 16)
		return cannot_decode(path, (std::string("its JPEG frame header declares ") + std::to_string(p) +
		                            " bits a sample, more than GDCM's JPEG decoders take (16)").c_str());
	return CT_OK;
}

// The stored values of the decoded frame into out.
static ct_code take_frame(const char *path, const gdcm::Image &img, const std::vector<char> &buf,
                          int rows, int cols, int32_t *out)
{
	const gdcm::PixelFormat &pf = img.GetPixelFormat();
	unsigned bits = pf.GetBitsAllocated();
	size_t n = (size_t)rows * cols;
	if (buf.size() < n * (bits / 8))
		return cannot_decode(path, "shorter than the frame (file truncated or corrupt)");
	ct_dicom_stored_values(buf.data(), n, (int)bits, pf.GetBitsStored(),
	                       pf.GetPixelRepresentation() == 1, out);
	return CT_OK;
}

// A file ct_dicom_decode may give GDCM (see sniff).
// A file ct_dicom_decode may give GDCM (see sniff); *rle: its transfer syntax may be RLE
// Lossless (it says so, or our walk of the File Meta group stopped before it: GDCM reads on
// past an element that is no VR, make fuzz found an RLE file so).
static ct_code readable(const char *path, bool *deflated, bool *rle)
{
	meta_info m = {"", "", nullptr, 0, 0};
	if (sniff(path, deflated, &m) != CT_DICOM_FILE)
		return cannot_decode(path, "not a DICOM image");
	*rle = m.transfer_syntax == "1.2.840.10008.1.2.5" || m.transfer_syntax.empty();
	return m.problem ? bad_meta(path, &m) : CT_OK;
}

// One RLE fragment's header (PS3.5 G.3.1: 64 bytes, the number of segments, at most 15, then
// their offsets, the first 64, none past the fragment): "" when sound, else what is wrong.
static std::string rle_header_fault(const gdcm::ByteValue *bv)
{
	const unsigned char *b = bv ? (const unsigned char *)bv->GetPointer() : nullptr;
	size_t len = bv ? (size_t)bv->GetLength() : 0;
	if (!b || len < 64)
		return "an RLE fragment shorter than its 64-byte header";
	uint32_t n = le32(b);
	if (n < 1 || n > 15)
		return "an RLE header declaring " + std::to_string(n) + " segments (1 to 15)";
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = le32(b + 4 + 4 * i);
		if ((i == 0 && at != 64) || at < 64 || at > len || (i > 0 && at < le32(b + 4 * i)))
			return "an RLE header whose segment " + std::to_string(i + 1) + " starts at byte " + std::to_string(at) +
			       " of a " + std::to_string(len) + "-byte fragment";
	}
	return "";
}

// GDCM's RLE codec trusts each fragment's header, and read past its buffers on one declaring
// 134,217,730 segments (make fuzz); it decodes already while reading the file (ImageReader
// computes a lossy flag so). So a file that may be RLE is read first as a plain data set
// (read_header, under the same bounds) and, when GDCM takes it for RLE, its headers checked.
static ct_code check_rle(const char *path, long long size, long ms)
{
	refusal r = {0, 0, false};
	std::string why;
	ct_dicom *d = read_header(path, false, read_limit(path, false, HEADER_SLACK, &size), ms, &r, why);
	if (!d)
		return r.bytes ? too_large(path, &r, size, false)
		               : ct_fail(CT_EDATA, "%s: not a readable DICOM file: its header %s", path, why.c_str());
	const gdcm::DataSet &ds = d->reader.GetFile().GetDataSet();
	const gdcm::Tag px(0x7fe0, 0x0010);
	bool rle = d->reader.GetFile().GetHeader().GetDataSetTransferSyntax() == gdcm::TransferSyntax::RLELossless;
	const gdcm::SequenceOfFragments *sf =
		rle && ds.FindDataElement(px) ? ds.GetDataElement(px).GetSequenceOfFragments() : nullptr;
	std::string fault;
	for (size_t i = 0; sf && fault.empty() && i < sf->GetNumberOfFragments(); i++)
		fault = rle_header_fault(sf->GetFragment(i).GetByteValue());
	delete d;
	return fault.empty() ? CT_OK : cannot_decode(path, fault.c_str());
}

extern "C" ct_code ct_dicom_decode(const char *path, int rows, int cols, int32_t *out)
{
	if (rows < 1 || cols < 1 || (size_t)rows * (size_t)cols > CT_DICOM_MAX_PIXELS)
		return ct_fail(CT_EDATA, "%s: (0028,0010) Rows, (0028,0011) Columns: %dx%d, more than the %zu "
		               "pixels a slice may have", path, cols, rows, (size_t)CT_DICOM_MAX_PIXELS);
	bool deflated = false, rle = false;
	ct_code c = readable(path, &deflated, &rle);
	if (c)
		return c;
	long long size;
	// Reading is held to the file's size, decoding to the frame: at most 4 bytes a pixel, and a
	// codec may hold the frame twice (its output and the copy into our buffer).
	size_t limit = std::max(read_limit(path, deflated, ALLOC_SLACK, &size), 2 * 4 * (size_t)rows * cols + ALLOC_SLACK);
	if (rle && (c = check_rle(path, size, budget_ms(size, 0))) != CT_OK)
		return c;
	// On the heap, so that a jump back from GDCM's abort() leaves them alone (see on_abort).
	gdcm::ImageReader *r = new (std::nothrow) gdcm::ImageReader;
	std::vector<char> *buf = new (std::nothrow) std::vector<char>;
	input *file = open_input(path);
	if (!r || !buf || !file) {
		delete r;
		delete buf;
		delete file;
		return file ? ct_fail(CT_ENOMEM, "%s: out of memory", path) : ct_fail_errno(CT_EDATA, "%s", path);
	}
	long ms = budget_ms(size, (long long)rows * cols);
	sigjmp_buf here;
	if (int jumped = sigsetjmp(here, 1)) {
		leave_gdcm();
		drop_input(file);
		abandon(r);
		abandon(buf);
		return cannot_decode(path, jumped == CT_BUDGET_SPENT ? over_budget(ms).c_str()
		                                                     : "GDCM gave up on it (an internal assertion failed)");
	}
	r->SetStream(*file->in);
	bool read = false, got = false;
	ct_code frame = CT_OK;
	enter_gdcm(&here, limit, ms, path);
	try {
		read = r->Read();
		if (read && r->GetFile().GetDataSet().FindDataElement(gdcm::Tag(0x7fe0, 0x0010)) &&
		    (frame = check_frame(path, r->GetImage(), rows, cols)) == CT_OK &&
		    (frame = check_native_length(path, r->GetFile().GetDataSet(), r->GetImage())) == CT_OK &&
		    (frame = check_jpeg_precision(path, r->GetFile())) == CT_OK) {
			buf->resize(r->GetImage().GetBufferLength());
			got = r->GetImage().GetBuffer(buf->data());
		}
	} catch (...) {
		got = false;
	}
	size_t refused = alloc_refused;
	leave_gdcm();
	if (refused)
		c = ct_fail(CT_EDATA, "%s: (7FE0,0010) PixelData: needs %zu bytes at once, more than the file (%lld bytes) "
		            "or its %dx%d frame can", path, refused, size, cols, rows);
	else if (read && !r->GetFile().GetDataSet().FindDataElement(gdcm::Tag(0x7fe0, 0x0010)))
		c = cannot_decode(path, "missing");
	else if (frame)
		c = frame;
	else if (!read || !got)
		c = cannot_decode(path, "cannot be decoded (file truncated or corrupt)");
	else
		c = take_frame(path, r->GetImage(), *buf, rows, cols, out);
	delete r;
	delete buf;
	delete file;
	return c;
}
