package diagnostics

// sizeRules report layers bigger than they need to be.
var sizeRules = []*Rule{
	noInstallRecommends.withFixes(AddNoInstallRecommends).withHadolint("DL3015"),
	aptListsNotRemoved.withFixes(AddRmAptLists).withHadolint("DL3009"),
	// hadolint has a code per package manager (pip, apk, yum, zypper, dnf,
	// yarn): ignoring one ignores the whole rule on that instruction.
	packageCacheInLayer.withFixes(AddNoCacheDir, AddCacheClean).
		withHadolint("DL3042", "DL3019", "DL3032", "DL3036", "DL3040", "DL3060"),
	cleanupInLaterLayer,
	chownAfterCopy.withFixes(CopyChown),
	archiveInLayer,
	buildToolsInFinalImage,
	heavyBaseImage.withFixes(SlimBase),
	useraddHighUID.withFixes(AddNoLogInit).withHadolint("DL3046"),
}
