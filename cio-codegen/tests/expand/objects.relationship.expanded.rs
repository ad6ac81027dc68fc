#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/objects.toml");
    ::cio::__private::record_impls! {
        CompanyRelationship[< 'a >] [< 'a >] [] : Relationship with { const OBJECT :
        &'static str = "company"; const OBJECT_TYPE_ID : ::core::primitive::u64 = 1; } {
        role "role" opt(Option < & 'a str >) => field_text; }
    }
};
