namespace Wharf.Scanning.Inventory;

/// <summary>Which files of an image are package databases, and which kind each is.</summary>
public enum InventoryFileKind { None, DpkgStatus, DpkgStatusD, ApkInstalled, PythonMetadata, OsRelease }

public static class InventoryPaths
{
    /// <summary>
    /// The kind of a regular file by its image path. Only these files are read (everything else is skipped unread),
    /// which is what keeps the inventory's memory to the interesting paths, not every file of every layer.
    /// </summary>
    public static InventoryFileKind Classify(string path)
    {
        switch (path)
        {
            case "var/lib/dpkg/status": return InventoryFileKind.DpkgStatus;
            case "lib/apk/db/installed": return InventoryFileKind.ApkInstalled;
            case "etc/os-release" or "usr/lib/os-release": return InventoryFileKind.OsRelease;
        }
        // distroless: one deb822 file per package, beside "<pkg>.md5sums" lists that are not package records.
        if (path.StartsWith("var/lib/dpkg/status.d/", StringComparison.Ordinal) && path.IndexOf('/', 22) < 0
            && !path.EndsWith(".md5sums", StringComparison.Ordinal))
            return InventoryFileKind.DpkgStatusD;
        if (path.EndsWith(".dist-info/METADATA", StringComparison.Ordinal)) return InventoryFileKind.PythonMetadata;
        // setuptools writes either a directory (name.egg-info/PKG-INFO) or a single file (name.egg-info) with the same headers.
        if (path.EndsWith(".egg-info/PKG-INFO", StringComparison.Ordinal) || path.EndsWith(".egg-info", StringComparison.Ordinal))
            return InventoryFileKind.PythonMetadata;
        return InventoryFileKind.None;
    }

    /// <summary>The most bytes read from one database file: a real dpkg status is a few MiB, a METADATA a few KiB.</summary>
    public static long Limit(InventoryFileKind kind) => kind switch
    {
        InventoryFileKind.DpkgStatus or InventoryFileKind.ApkInstalled => 64L << 20,
        InventoryFileKind.OsRelease => 64 << 10,
        _ => 4L << 20,
    };
}
