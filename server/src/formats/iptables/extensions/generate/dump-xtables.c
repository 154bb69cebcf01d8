#include <stdio.h>
#include <dlfcn.h>
#include <getopt.h>
#include <xtables.h>
static const char *T[]={"NONE","UINT8","UINT16","UINT32","UINT64","UINT8RC","UINT16RC","UINT32RC","UINT64RC","DOUBLE","STRING","TOSMASK","MARKMASK32","SYSLOGLEVEL","HOST","HOSTMASK","PROTOCOL","PORT","PORTRC","PLEN","PLENMASK","ETHERMAC"};
static const char *cur;
static void opts(const struct option *eo, const struct xt_option_entry *x6){
  printf(",\"extra\":[");
  int first=1;
  if (eo) for (; eo->name; eo++){ printf("%s[\"%s\",%d]", first?"":",", eo->name, eo->has_arg); first=0; }
  printf("],\"x6\":[");
  first=1;
  if (x6) for (; x6->name; x6++){ printf("%s[\"%s\",\"%s\",%u,%u,%u,%u,%u,%zu]", first?"":",", x6->name, x6->type<22?T[x6->type]:"?", x6->flags, x6->min, x6->max, x6->id, x6->excl, x6->size); first=0; }
  printf("]");
}
void xtables_register_match(struct xtables_match *m){
  printf("{\"file\":\"%s\",\"kind\":\"match\",\"name\":\"%s\",\"real\":\"%s\",\"rev\":%u,\"family\":%u,\"hasParse\":%d,\"hasX6\":%d", cur, m->name, m->real_name?m->real_name:"", m->revision, m->family, m->parse!=0, m->x6_parse!=0);
  opts(m->extra_opts, m->x6_options); printf("}\n");
}
void xtables_register_matches(struct xtables_match *m, unsigned int n){ for (unsigned i=0;i<n;i++) xtables_register_match(&m[i]); }
void xtables_register_target(struct xtables_target *m){
  printf("{\"file\":\"%s\",\"kind\":\"target\",\"name\":\"%s\",\"real\":\"%s\",\"rev\":%u,\"family\":%u,\"hasParse\":%d,\"hasX6\":%d", cur, m->name, m->real_name?m->real_name:"", m->revision, m->family, m->parse!=0, m->x6_parse!=0);
  opts(m->extra_opts, m->x6_options); printf("}\n");
}
void xtables_register_targets(struct xtables_target *m, unsigned int n){ for (unsigned i=0;i<n;i++) xtables_register_target(&m[i]); }
int main(int argc,char**argv){
  for (int i=1;i<argc;i++){ cur=argv[i]; void*h=dlopen(argv[i],RTLD_NOW|RTLD_GLOBAL); if(!h){fprintf(stderr,"%s\n",dlerror()); continue;}
    void (*init)(void)=(void(*)(void))dlsym(h,"_init"); (void)init; }
  return 0;
}
