#[allow(deprecated, non_local_definitions)]
const _: () = {
    const _: &[u8] = ::core::include_bytes!("$DIR/objects.toml");
    ::cio::__private::record_impls! {
        Account[] [] [] : ObjectType with { const NAME : &'static str = "company"; const
        TYPE_ID : ::core::primitive::u64 = 1; } { name "name" req(String) => field_text;
        tier "tier" req(Tier) => field_enum; seats "seats" req(u32) => field_int min =
        1.0; website "domain" opt(Option < String >) => field_text; region "region"
        req(Region) => field_enum; }
    }
    const _: () = ::cio::__private::expect_enum::<
        <Tier as ::cio::__private::CarriesEnum>::Enum,
    >("tier", "field `tier`: expected the events.toml enum `tier`, found another enum");
    const _: () = ::cio::__private::expect_enum::<
        <Region as ::cio::__private::CarriesEnum>::Enum,
    >(
        "objects.company.region",
        "field `region`: expected the events.toml enum `objects.company.region`, found another enum",
    );
};
