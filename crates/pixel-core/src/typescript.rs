//! TypeScript declarations of the API types, generated from the Rust types for the UI (`ui/src/api/types.ts`).

use ts_rs::TS;

use crate::account::*;
use crate::catalogue::*;
use crate::domain::*;
use crate::error::{Error, ErrorCode};
use crate::ops::*;
use crate::social::*;

macro_rules! decls {
    ($($t:ty),* $(,)?) => {
        vec![$(format!("export {}", <$t as TS>::decl())),*]
    };
}

/// The whole generated file.
pub fn api_types() -> String {
    let decls: Vec<String> = decls![
        ErrorCode,
        Error,
        Role,
        User,
        Visibility,
        JobState,
        GenerationParams,
        GenerationSet,
        Job,
        Timings,
        GenerationRecord,
        Image,
        LedgerKind,
        LedgerEntry,
        LedgerLink,
        Event,
        Speed,
        SizePreset,
        SizeRule,
        IntRange,
        FloatRange,
        Model,
        RetiredModel,
        PriceEntry,
        GenerationRequest,
        Empty,
        CatalogueOutput,
        ProviderStatus,
        ProvidersOutput,
        AccountOutput,
        NotificationPrefs,
        Theme,
        AccountSettings,
        AuthMode,
        Me,
        SessionKind,
        SessionInfo,
        UpdateAccount,
        SessionsOutput,
        SessionRef,
        RevokeOutput,
        NewToken,
        TokenOutput,
        SetVisibility,
        SetVisibilityOutput,
        PublishImage,
        SubmitOutput,
        JobRef,
        JobsQuery,
        JobsOutput,
        SetRef,
        AvatarChoice,
        UpdateProfile,
        ProfileShown,
        SetVisibilityChoice,
        SetDetail,
        PageQuery,
        SetsOutput,
        ImageRef,
        ImagesQuery,
        ImagesOutput,
        DeleteImages,
        DeleteOutput,
        LedgerQuery,
        ImportRequest,
        crate::ports::ProviderHealth,
        ProviderHealthStatus,
        ProvidersHealthOutput,
        CompareRequest,
        CompareOutput,
        ComparisonRef,
        ComparisonDetail,
        ImportedRecord,
        ImportOutput,
        LedgerOutput,
        crate::credits::CreditPack,
        PacksOutput,
        BuyCredits,
        BuyOutput,
        crate::ops::storage::StorageUsage,
        crate::ops::exports::ExportQuery,
        crate::ops::tags::TagImages,
        crate::ops::tags::TagsChanged,
        crate::ops::tags::TagCount,
        crate::ops::tags::TagsOutput,
        crate::ops::tags::ImageTags,
        crate::ops::bulk::ImageIds,
        crate::ops::style::StyleQuery,
        crate::ops::style::Swatch,
        crate::ops::style::Share,
        crate::ops::style::StyleFingerprint,
        crate::ops::tag_suggestions::TagSuggestion,
        crate::ops::tag_suggestions::SuggestedTags,
        crate::ops::tag_suggestions::TagReview,
        crate::ops::admin::AdminActionKind,
        crate::ops::admin::AdminChange,
        crate::ops::admin::AuditEntry,
        crate::ops::admin::AdminUser,
        crate::ops::admin::AdminUsersQuery,
        crate::ops::admin::AdminUsersOutput,
        crate::ops::admin::AdminUserRef,
        crate::ops::admin::AdminUserDetail,
        crate::ops::admin::CreditAdjustment,
        crate::ops::admin::CreditAdjustmentOutput,
        crate::ops::admin::AdminUserAction,
        crate::ops::admin::SetAdmin,
        crate::ops::admin::AdminUserChanged,
        crate::ops::admin::AuditQuery,
        crate::ops::admin::AuditOutput,
        crate::ops::moderation::ReportOutcome,
        crate::ops::moderation::ReportResolution,
        crate::ops::moderation::ResolveReport,
        crate::ops::moderation::ResolveOutput,
        crate::ops::moderation::Deletion,
        crate::ops::moderation::DeletionsQuery,
        crate::ops::moderation::DeletionsOutput,
        crate::ops::models_admin::AdminModel,
        crate::ops::models_admin::AdminModelsOutput,
        crate::ops::models_admin::UpdateModel,
        crate::tagging::TagSource,
        crate::ops::analytics::AnalyticsQuery,
        crate::ops::analytics::DayActivity,
        crate::ops::analytics::CountOf,
        crate::ops::analytics::WeekTotals,
        crate::ops::analytics::PersonalAnalytics,
        crate::ops::admin_overview::OverviewQuery,
        crate::ops::admin_overview::OverviewDay,
        crate::ops::admin_overview::AccountCounts,
        crate::ops::admin_overview::StorageUsed,
        crate::ops::admin_overview::Outcomes,
        crate::ops::admin_overview::AdminOverview,
        crate::ops::blog::PostSummary,
        crate::ops::blog::Post,
        crate::ops::blog::BlogListQuery,
        crate::ops::blog::BlogListOutput,
        crate::ops::blog::BlogGetQuery,
        crate::ops::blog::SavePost,
        crate::ops::blog::PublishPost,
        crate::ops::blog::DeletePost,
        crate::ops::blog::PreviewPost,
        crate::ops::blog::PreviewOutput,
        crate::ops::refusals::RefusalsQuery,
        crate::ops::reports::ReportedComment,
        crate::ops::refusals::Refusal,
        crate::ops::refusals::RefusalsOutput,
        crate::ops::achievements::AchievementKind,
        crate::ops::achievements::Tier,
        crate::ops::achievements::AwardNote,
        crate::ops::achievements::AchievementView,
        crate::ops::achievements::AchievementsOutput,
        crate::ops::streaks::StreakView,
        crate::ops::streaks::StreakClaimOutput,
        crate::ops::tips::TipNote,
        crate::ops::tips::Tip,
        crate::ops::tips::SendTip,
        crate::ops::tips::SendTipOutput,
        crate::ops::tips::TipDirection,
        crate::ops::tips::TipsQuery,
        crate::ops::tips::TipsOutput,
        crate::ops::market::MarketSort,
        crate::ops::market::Review,
        crate::ops::market::Listing,
        crate::ops::market::PublishListing,
        crate::ops::market::MarketQuery,
        crate::ops::market::ListingsOutput,
        crate::ops::market::ListingRef,
        crate::ops::market::BuyListingOutput,
        crate::ops::market::ReviewListing,
        crate::ops::market::ReviewsQuery,
        crate::ops::market::ReviewsOutput,
        crate::domain::PremiumLock,
        crate::ops::collections::Collection,
        crate::ops::collections::CreateCollection,
        crate::ops::collections::UpdateCollection,
        crate::ops::collections::CollectionRef,
        crate::ops::collections::CollectionImages,
        crate::ops::collections::MoveCollectionImage,
        crate::ops::collections::CollectionsQuery,
        crate::ops::collections::CollectionsOutput,
        crate::ops::collections::ExploreCollections,
        crate::ops::collections::CollectionQuery,
        crate::ops::collections::CollectionDetail,
        crate::ops::premium::CollectionPrice,
        crate::ops::premium::BuyCollectionOutput,
        crate::prints::PrintProduct,
        crate::prints::PrintSize,
        crate::prints::PrintOffer,
        crate::prints::PrintQuote,
        crate::prints::Recipient,
        crate::prints::PrintStatus,
        crate::prints::Tracking,
        crate::prints::PrintOrder,
        crate::ops::prints::PrintProductsOutput,
        crate::ops::prints::PrintChoice,
        crate::ops::prints::OrderPrint,
        crate::ops::prints::OrderPrintOutput,
        crate::ops::prints::PrintOrdersOutput,
        crate::ops::prints::PrintOrderRef,
        crate::ops::earnings::EarningsQuery,
        crate::ops::earnings::EarningsDay,
        crate::ops::earnings::EarningsOutput,
        crate::payouts::PayoutStatus,
        crate::payouts::Payout,
        crate::ops::payouts::PayoutsOutput,
        crate::ops::payouts::OnboardOutput,
        UserSummary,
        PublicImage,
        Comment,
        NotificationKind,
        Notification,
        ExploreQuery,
        PublicImagesOutput,
        UserRef,
        FollowListQuery,
        ProfileQuery,
        FollowOutput,
        FollowEntry,
        FollowListOutput,
        Profile,
        LikeOutput,
        CommentRef,
        NewComment,
        CommentsQuery,
        CommentsOutput,
        EditComment,
        CommentDeleted,
        NotificationsQuery,
        NotificationsOutput,
        MarkRead,
        NotificationIds,
        NotificationsChanged,
        BlockOutput,
        ReportTarget,
        Report,
        NewReport,
        ReportOutput,
        ReportsQuery,
        ReportsOutput,
        ExploreSort,
        TrendPeriod,
        Message,
        Conversation,
        SendMessage,
        ConversationRef,
        MessagesQuery,
        ConversationsOutput,
        MessagesOutput,
        RemixesQuery,
        ProfileSearch,
        ProfileSearchOutput,
        CreatorsQuery,
        TrendingCreator,
        CreatorsOutput,
    ];
    let mut out = String::from(
        "// Generated from the Rust types in crates/pixel-core by `UPDATE_TYPES=1 cargo test -p pixel-core`.\n\
         // Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    for d in decls {
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(
        "/** The HTTP status the server answers each error code with (transports without HTTP use it too). */\n\
         export const ERROR_HTTP_STATUS: Record<ErrorCode, number> = {\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!("  {}: {},\n", code.as_str(), code.http_status()));
    }
    out.push_str("};\n\n");
    out.push_str(
        "/** Every operation of the registry: method name -> input and output types. */\n\
         export interface Methods {\n",
    );
    for op in crate::registry::Registry::standard().ops() {
        out.push_str(&format!(
            "  '{}': {{ input: {}; output: {} }};\n",
            op.name, op.input_ts, op.output_ts
        ));
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ui_types_are_fresh() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/api/types.ts");
        let generated = super::api_types();
        if std::env::var("UPDATE_TYPES").is_ok() {
            std::fs::write(&path, &generated).expect("write types");
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "ui/src/api/types.ts is stale: run `UPDATE_TYPES=1 cargo test -p pixel-core ui_types_are_fresh`"
        );
    }
}
