#!/usr/bin/perl
# SpamAssassin baseline for the batch benchmark: its own Received parsing (the relay list it
# builds for every message), with no rules run. One line of output per file.
use strict;
use warnings;
use Mail::SpamAssassin;
use Mail::SpamAssassin::PerMsgStatus;

my ($list) = @ARGV;
my $sa = Mail::SpamAssassin->new({
  local_tests_only => 1, dont_copy_prefs => 1, userprefs_filename => '/dev/null',
  site_rules_filename => '/nonexistent', rules_filename => '/nonexistent',
  config_text => "clear_originating_ip_headers\n",
});
$sa->init(0);
open(my $lf, '<', $list) or die "$list: $!";
while (my $path = <$lf>) {
  chomp $path;
  open(my $fh, '<', $path) or next;
  my @lines = <$fh>;
  close $fh;
  my $msg = $sa->parse(\@lines, 1);
  my $pms = Mail::SpamAssassin::PerMsgStatus->new($sa, $msg);
  $msg->extract_message_metadata($pms);
  my $n = scalar(@{$pms->{relays_trusted} || []}) + scalar(@{$pms->{relays_untrusted} || []});
  print "$path\t$n\n";
  $pms->finish();
  $msg->finish();
}
