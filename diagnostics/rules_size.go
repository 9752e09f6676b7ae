package diagnostics

// sizeRules report layers bigger than they need to be.
var sizeRules = []*Rule{
	noInstallRecommends,
	aptListsNotRemoved,
	packageCacheInLayer,
	cleanupInLaterLayer,
	chownAfterCopy,
	archiveInLayer,
	buildToolsInFinalImage,
	heavyBaseImage,
}
