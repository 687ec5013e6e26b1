"""dicomsort_rules.py SOURCE PATTERN [KEEP]: the target path dicomsort's rules give each DICOM
file under SOURCE, as "SOURCE_FILE<TAB>TARGET_RELATIVE" lines, sorted. The rules, with pydicom
as dicomsort uses it: %Keyword (letters) is getattr(ds, Keyword); a missing or empty value is
"Unknown<Keyword>"; str(value) with each of  +`~!@#$%^&*(){}[]/=\\|<>,.":'  and space made '_'
(ctmake also replaces control characters; KEEP lists characters left alone). DICOMDIRs and
files pydicom cannot read are left out."""
import os
import re
import sys

import pydicom

UNSAFE = set(r"""+`~!@#$%^&*(){}[]/=\|<>,.":' """)


def safe(text, keep):
    return "".join("_" if (c in UNSAFE and c not in keep) or ord(c) < 32 else c for c in text)


def target(ds, pattern, keep):
    def value(m):
        key = m.group(1)
        v = getattr(ds, key, "") if key in pydicom.datadict.keyword_dict else ""
        v = "" if v is None else v
        return safe(str(v) if str(v) != "" else "Unknown" + key, keep)
    return re.sub(r"%([A-Za-z]+)", value, pattern)


def main():
    source, pattern = sys.argv[1], sys.argv[2]
    keep = sys.argv[3] if len(sys.argv) > 3 else ""
    out = []
    for root, _, files in os.walk(source):
        for name in files:
            path = os.path.join(root, name)
            try:
                ds = pydicom.dcmread(path, stop_before_pixels=True)
            except Exception:
                continue
            if str(getattr(ds.file_meta, "MediaStorageSOPClassUID", "")) == "1.2.840.10008.1.3.10":
                continue
            out.append("%s\t%s" % (path, target(ds, pattern, keep)))
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    main()
